namespace OvpnDco.Wdk;

/// <summary>Every API family the Windows platform's logic calls; a simulation implements all of it in tests.</summary>
public interface IWdk : IWdm, IBCrypt, IWdfIo, IWdfRequest, IWdfTimer, INetAdapter, INetRing, IWsk
{
}

/// <summary>
/// The real WDK: each header's file adds its [Import]s to this struct (partial), so <c>WindowsPlatform&lt;KernelWdk&gt;</c>
/// compiles to direct calls of the WDK functions, macros and inline helpers.
/// </summary>
public unsafe partial struct KernelWdk : IWdk
{
}
