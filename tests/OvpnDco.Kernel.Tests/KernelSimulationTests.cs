using System.IO;
using System.Text.RegularExpressions;
using OvpnDco.TestSupport;

namespace OvpnDco.Kernel.Tests;

/// <summary>
/// The transpiled Windows driver — the same C the WDK compiles — built natively against a small simulated WDK
/// (tests/native/kernel_sim: KMDF objects, requests and queues, NetAdapterCx rings and extensions, a WSK provider with a
/// network between its sockets, BCrypt AEAD on OpenSSL, DPCs, spin locks that fail on recursion) and run under ASan +
/// UBSan: DriverEntry, two adapters, NEW_PEER over UDP and TCP, AES-256-GCM keys, traffic both ways through the rings
/// and the WSK sockets, control packets, GET_STATS, the keepalive timer, a disconnect, a refused connect, a failing send,
/// a cancelled NEW_PEER, opens out of memory, cleanup with a read pending, removal and unload with no pool allocation,
/// IRP, MDL or registration left. The managed simulation
/// (Simulation/) tests the same logic under .NET; this one tests the C that ships, memory access by memory access.
/// </summary>
public class KernelSimulationTests
{
    [Test]
    public void TheTranspiledDriverRunsOnASimulatedWindows()
    {
        var dir = KernelObjectTests.Transpile();
        var root = NativeToolchain.RepoRoot;
        string Q(params string[] parts) => NativeToolchain.Quote(Path.Combine(parts));
        var sim = Path.Combine(root, "tests", "native", "kernel_sim");
        var build = NativeToolchain.Run(
            $"{NativeToolchain.Clang} -std=c11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra -Werror " +
            $"-Wno-unused-parameter -I {Q(sim, "include")} -I {Q(root, "runtime-kernel", "include")} -I {Q(root, "runtime-kernel", "km")} -I . -I {Q(root, "uapi", "include")} " +
            $"*.c {Q(sim, "sim_wdk.c")} {Q(sim, "kernel_sim_test.c")} {Q(root, "runtime-kernel", "hosted", "ovpn_rt_hosted.c")} " +
            $"{Q(root, "runtime-kernel", "hosted", "ovpn_hosted_trace.c")} -lcrypto -lpthread -o kernel_sim_test", dir, 300_000);
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Stderr);
        var run = NativeToolchain.Run("./kernel_sim_test", dir, 120_000);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stdout + run.Stderr);
        var ok = Regex.Match(run.Stdout, @"^ok (\d+)");
        Assert.That(ok.Success, Is.True, run.Stdout);
        Assert.That(int.Parse(ok.Groups[1].Value), Is.GreaterThanOrEqualTo(100), "the scenarios ran");
        TestContext.Out.WriteLine(run.Stdout.Trim());
    }
}
