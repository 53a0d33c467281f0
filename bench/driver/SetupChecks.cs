using System;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Bench.Driver;

/// <summary>What the benchmarks' setups do with a status: anything but success stops the run.</summary>
internal static class SetupChecks
{
    public static void Check(NtStatus status)
    {
        if (status != NtStatus.Success)
            throw new InvalidOperationException(status.ToString());
    }
}
