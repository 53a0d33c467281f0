using System;
using System.IO;
using OvpnDco.TestSupport;

namespace OvpnDco.Kernel.Tests;

/// <summary>
/// Where the WDK headers and wdk-cc are: ../shared beside the repository, or $WDK_INCLUDE (then wdk-cc from
/// ../shared/tools still, pointed at it). Tests skip with the reason when neither exists.
/// </summary>
public static class WdkHeaders
{
    public static string WdkCc => Path.Combine(NativeToolchain.RepoRoot, "..", "shared", "tools", "wdk-cc");

    public static string Include => Environment.GetEnvironmentVariable("WDK_INCLUDE") is { Length: > 0 } env
        ? env
        : Path.Combine(NativeToolchain.RepoRoot, "..", "shared", "wdk", "include");

    public static void RequireOrIgnore()
    {
        if (!File.Exists(WdkCc))
            Assert.Ignore("../shared/tools/wdk-cc is not beside this clone: the kernel C cannot be compiled against the WDK here");
        if (!Directory.Exists(Path.Combine(Include, "km")))
            Assert.Ignore($"the WDK headers are not at {Include} (../shared/wdk/include or $WDK_INCLUDE)");
    }

    /// <summary>Runs wdk-cc for <paramref name="arch"/> with the repository's runtime headers on the include path.</summary>
    public static NativeToolchain.Result Compile(string arch, string arguments, string directory) =>
        NativeToolchain.Run($"WDK_INCLUDE={NativeToolchain.Quote(Include)} {NativeToolchain.Quote(WdkCc)} {arch} -c -Wall -Werror -DOVPN_RT_KERNEL " +
                            $"-I {NativeToolchain.Quote(NativeToolchain.Include)} {arguments}", directory);

    public static string TempDirectory(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ovpndco-kernel-{name}-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
