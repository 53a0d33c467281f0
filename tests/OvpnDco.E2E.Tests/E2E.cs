using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using OvpnDco.TestSupport;

namespace OvpnDco.E2E.Tests;

/// <summary>
/// Builds what the suite runs (libovpndco-device.so through scripts/transpile-hosted.sh when it is missing or older
/// than its sources) and points the CLI and the in-process transport at it (OVPNDCO_DEVICE_LIBRARY).
/// </summary>
[SetUpFixture]
public sealed class E2ESetup
{
    public static string? SkipReason { get; private set; }

    public static string DeviceLibrary => Path.Combine(NativeToolchain.RepoRoot, "out", "hosted", "lib", "libovpndco-device.so");

    public static string Cli
    {
        get
        {
            // bin/<Configuration>/net10.0 of this assembly names the configuration the CLI was built with.
            string config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            return Path.Combine(NativeToolchain.RepoRoot, "samples", "OvpnDco.Cli", "bin", config, "net10.0", "ovpn-dco-cli");
        }
    }

    [OneTimeSetUp]
    public void BuildAndProbe()
    {
        SkipReason = Probe();
        if (SkipReason is not null)
            return;
        string root = NativeToolchain.RepoRoot;
        var sources = new[]
        {
            Path.Combine(root, "runtime-kernel", "hosted", "device", "ovpn_hdev.c"),
            Path.Combine(root, "runtime-kernel", "hosted", "device", "ovpn_hdev.h"),
            Path.Combine(root, "runtime-kernel", "hosted", "device", "ovpn_hdev_offload.c"),
            Path.Combine(root, "runtime-kernel", "hosted", "device", "ovpn_hdev_offload.h"),
        };
        var lib = new FileInfo(DeviceLibrary);
        var driverLib = new FileInfo(Path.Combine(root, "out", "hosted", "lib", "libovpndco.so"));
        string config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var driverDll = new FileInfo(Path.Combine(root, "driver", "OvpnDco.Driver.Hosted", "bin", config, "net10.0", "OvpnDco.Driver.Hosted.dll"));
        bool stale = !lib.Exists || !driverLib.Exists || sources.Any(s => File.GetLastWriteTimeUtc(s) > lib.LastWriteTimeUtc)
            || (driverDll.Exists && driverDll.LastWriteTimeUtc > driverLib.LastWriteTimeUtc);
        if (stale)
        {
            var r = NativeToolchain.Run($"CONFIGURATION={config} ./scripts/transpile-hosted.sh", root, 600_000);
            Assert.That(r.ExitCode, Is.Zero, "scripts/transpile-hosted.sh failed:\n" + r.Stdout + r.Stderr);
        }
        Environment.SetEnvironmentVariable("OVPNDCO_DEVICE_LIBRARY", DeviceLibrary);
        Assert.That(File.Exists(Cli), Is.True, $"{Cli} is not built");
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "the hosted device is Linux-only";
        if (Environment.UserName != "root" && geteuid() != 0)
            return "needs root (network namespaces, TUN)";
        if (!File.Exists("/dev/net/tun"))
            return "no /dev/net/tun on this machine";
        string probe = $"ovt-probe-{Environment.ProcessId}";
        var r = NativeToolchain.Run($"ip netns add {probe} && ip netns exec {probe} ip tuntap add dev t0 mode tun && ip netns del {probe}", null, 20_000);
        NativeToolchain.Run($"ip netns del {probe} 2>/dev/null", null, 10_000);
        if (r.ExitCode != 0)
            return "cannot create a network namespace with a TUN device: " + (r.Stderr + r.Stdout).Trim();
        return null;
    }

    public static void RequireNetwork()
    {
        if (SkipReason is not null)
            Assert.Ignore(SkipReason);
    }

    [DllImport("libc")]
    private static extern uint geteuid();
}

/// <summary>Two network namespaces joined by a veth pair: A = 192.168.77.1 / fd77::1, B = .2 / ::2. Removed on dispose.</summary>
public sealed class NetnsPair : IDisposable
{
    private static int _serial;

    public NetnsPair()
    {
        string id = $"{Environment.ProcessId}-{Interlocked.Increment(ref _serial)}";
        A = $"ovt-{id}-a";
        B = $"ovt-{id}-b";
        Sh($"ip netns add {A} && ip netns add {B} && " +
           $"ip link add vA netns {A} type veth peer name vB netns {B} && " +
           $"ip -n {A} addr add 192.168.77.1/24 dev vA && ip -n {B} addr add 192.168.77.2/24 dev vB && " +
           $"ip -n {A} addr add fd77::1/64 dev vA nodad && ip -n {B} addr add fd77::2/64 dev vB nodad && " +
           $"ip -n {A} link set vA up && ip -n {B} link set vB up && ip -n {A} link set lo up && ip -n {B} link set lo up");
    }

    public string A { get; }

    public string B { get; }

    public static string Address(string side, bool v6) => (side, v6) switch
    {
        ("A", false) => "192.168.77.1",
        ("B", false) => "192.168.77.2",
        ("A", true) => "fd77::1",
        _ => "fd77::2",
    };

    public static NativeToolchain.Result Sh(string command, int timeoutMs = 60_000, bool check = true)
    {
        var r = NativeToolchain.Run(command, null, timeoutMs);
        if (check && r.ExitCode != 0)
            Assert.Fail($"`{command}` failed ({r.ExitCode}): {r.Stderr}{r.Stdout}");
        return r;
    }

    public NativeToolchain.Result In(string ns, string command, int timeoutMs = 60_000, bool check = true)
        => Sh($"ip netns exec {ns} {command}", timeoutMs, check);

    public void Dispose()
    {
        // Deleting the namespaces kills nothing by itself: the tests stop their processes first.
        Sh($"ip netns del {A}", check: false);
        Sh($"ip netns del {B}", check: false);
    }
}
