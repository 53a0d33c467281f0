// The managed platform has process-wide state (virtual clock, key table): tests run one at a time.
[assembly: NUnit.Framework.NonParallelizable]
