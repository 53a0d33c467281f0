using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OvpnDco.TestSupport;

namespace OvpnDco.E2E.Tests;

/// <summary>ovpn-dco-cli's user errors: one line, a reason, a non-zero exit, never a stack trace.</summary>
[TestFixture]
[NonParallelizable]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CliErrorTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        E2ESetup.RequireNetwork();
        _dir = Directory.CreateTempSubdirectory("ovpndco-cli-").FullName;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private static (int Code, string Output) Run(IEnumerable<string> args, int timeoutMs = 30_000)
        => NativeToolchain.Exec(E2ESetup.Cli, args, timeoutMs);

    private static void AssertUserError((int Code, string Output) r, string reason, int code = 1)
    {
        Assert.That(r.Code, Is.EqualTo(code), r.Output);
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), "one line expected:\n" + r.Output);
        Assert.That(lines[0], Does.StartWith("ovpn-dco-cli: "));
        Assert.That(lines[0], Does.Contain(reason));
        Assert.That(r.Output, Does.Not.Contain("   at "), "stack trace");
    }

    private static string[] Args(string proto = "udp", string family = "i4", string local = "127.0.0.1", string localPort = "1194",
        string remote = "127.0.0.1", string remotePort = "1195", params string[] rest)
        => new[] { proto, family, local, localPort, remote, remotePort, "10.8.0.1", "255.255.255.0", "10.8.0.2" }.Concat(rest).ToArray();

    [Test]
    public void Help_ShowsUpstreamCommandLine()
    {
        var r = Run(new[] { "--help" });
        Assert.That(r.Code, Is.Zero);
        Assert.That(r.Output, Does.Contain("<proto> <family> <local-ip> <local-port> <remote-ip> <remote-port> <vpn-ip> <vpn-netmask> <vpn-gw>"));
        Assert.That(r.Output, Does.Contain("genkey"));
    }

    [Test]
    public void GenKey_WritesA256ByteBase64Key()
    {
        string path = Path.Combine(_dir, "k");
        var r = Run(new[] { "genkey", path });
        Assert.That(r.Code, Is.Zero, r.Output);
        Assert.That(Convert.FromBase64String(File.ReadAllText(path)), Has.Length.EqualTo(256));
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [TestCase(new[] { "udp", "i4" }, "Required argument missing")]
    [TestCase(new[] { "sctp", "i4", "127.0.0.1", "1", "127.0.0.1", "2", "10.8.0.1", "24", "10.8.0.2" }, "udp or tcp")]
    [TestCase(new[] { "udp", "i5", "127.0.0.1", "1", "127.0.0.1", "2", "10.8.0.1", "24", "10.8.0.2" }, "i4 or i6")]
    [TestCase(new[] { "udp", "i4", "nothere", "1", "127.0.0.1", "2", "10.8.0.1", "24", "10.8.0.2" }, "not an IP address")]
    [TestCase(new[] { "udp", "i6", "127.0.0.1", "1", "::1", "2", "10.8.0.1", "24", "10.8.0.2" }, "is not an IPv6 (i6) address")]
    [TestCase(new[] { "udp", "i4", "127.0.0.1", "70000", "127.0.0.1", "2", "10.8.0.1", "24", "10.8.0.2" }, "is not a port")]
    [TestCase(new[] { "udp", "i4", "127.0.0.1", "1", "127.0.0.1", "2", "10.8.0.1", "255.0.255.0", "10.8.0.2" }, "is not a netmask")]
    [TestCase(new[] { "udp", "i4", "127.0.0.1", "1", "127.0.0.1", "2", "10.8.0.1", "24", "10.8.0.2", "/nonexistent/data64.key" }, "cannot read key file")]
    public void WrongArguments_OneLineReason(string[] args, string reason) => AssertUserError(Run(args), reason);

    [Test]
    public void KeyFile_NotBase64_ShortOrBadDirection()
    {
        string bad = Path.Combine(_dir, "bad.key");
        File.WriteAllText(bad, "this is not base64 at all!!\n");
        AssertUserError(Run(Args(rest: bad)), "is not base64");
        string shortKey = Path.Combine(_dir, "short.key");
        File.WriteAllText(shortKey, Convert.ToBase64String(new byte[100]));
        AssertUserError(Run(Args(rest: shortKey)), "does not hold 256 bytes");
        string good = Path.Combine(_dir, "good.key");
        Assert.That(Run(new[] { "genkey", good }).Code, Is.Zero);
        AssertUserError(Run(Args(rest: new[] { good, "2" })), "key direction must be 0 or 1");
    }

    [Test]
    public void DeviceNotThere_OneLineReason()
    {
        var start = new System.Diagnostics.ProcessStartInfo(E2ESetup.Cli) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in Args())
            start.ArgumentList.Add(a);
        start.Environment["OVPNDCO_DEVICE_LIBRARY"] = "/nonexistent/libovpndco-device.so";
        using var p = System.Diagnostics.Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        AssertUserError((p.ExitCode, output), "the device is not there", 2);
    }

    [Test]
    public void DeviceBusy_And_PortInUse()
    {
        using var net = new NetnsPair();
        using var first = TunnelTests.StartCli(net, "A", "udp", false, null);
        first.WaitFor("added", TimeSpan.FromSeconds(20));

        // The same device again: the handle is exclusive.
        var busy = NativeToolchain.Exec("ip", new[] { "netns", "exec", net.A, E2ESetup.Cli }.Concat(Args("udp", "i4", "192.168.77.1", "1300", "192.168.77.2", "1194")), 30_000);
        AssertUserError(busy, "already open", 2);

        // Another device, the same local port.
        var inUse = NativeToolchain.Exec("ip", new[] { "netns", "exec", net.A, E2ESetup.Cli, "--dev", "ovpn-dco1" }
            .Concat(Args("udp", "i4", "192.168.77.1", "1194", "192.168.77.2", "1194")), 30_000);
        AssertUserError(inUse, "is in use", 1);
        var links = net.In(net.A, "ip -o link", check: false);
        Assert.That(links.Stdout, Does.Not.Contain("ovpn-dco1"), "the failed CLI left its interface behind");
    }
}
