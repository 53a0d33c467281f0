using System;
using System.IO;
using OvpnDco.TestSupport;

namespace OvpnDco.Interop.Tests;

/// <summary>ovpn-dco-client's user errors: one line on stderr, exit 1, no stack trace, the device never opened.</summary>
public sealed class CliTests
{
    private static (int ExitCode, string Output) Run(params string[] args)
    {
        if (!File.Exists(InteropSetup.Client))
            Assert.Ignore($"{InteropSetup.Client} is not built");
        return NativeToolchain.Exec(InteropSetup.Client, args, 60_000);
    }

    private static string Write(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ovi-cli-{Environment.ProcessId}-{Guid.NewGuid():N}.ovpn");
        File.WriteAllText(path, text);
        return path;
    }

    [TestCase("client\nremote 10.0.0.1\ncomp-lzo\n", "'comp-lzo' is not supported")]
    [TestCase("client\nremote 10.0.0.1\nca /nonexistent/ca.crt\n", "cannot read '/nonexistent/ca.crt'")]
    [TestCase("client\nproto sctp\n", "proto 'sctp'")]
    [TestCase("remote 10.0.0.1\n", "not a client config")]
    public void ConfigErrors(string text, string expected)
    {
        string path = Write(text);
        try
        {
            var (code, output) = Run("--config", path);
            Assert.That(code, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain("ovpn-dco-client: config").Or.Contain("ovpn-dco-client: the config"));
            Assert.That(output, Does.Contain(expected));
            Assert.That(output.Trim().Split('\n'), Has.Length.EqualTo(1), "one line: " + output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void UsageErrors()
    {
        var (code, output) = Run();
        Assert.That((code, output.Trim()), Is.EqualTo((1, "ovpn-dco-client: no config file (usage: ovpn-dco-client [--config] <client.ovpn> [--dev <ifname>])")));
        (code, output) = Run("--config", "/nonexistent.ovpn");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain("cannot read config '/nonexistent.ovpn'"));
        Assert.That(output, Does.Not.Contain("   at "));
    }

    [Test]
    public void BadKeyFilesAreRefusedBeforeConnecting()
    {
        string dir = Directory.CreateTempSubdirectory("ovi-cli").FullName;
        try
        {
            var pki = Pki.Create(dir);
            string path = Write($"client\nremote 10.0.0.1\nca {pki.Ca}\ncert {pki.ClientCert}\nkey {pki.ClientKey}\n<tls-crypt>\nnot a key\n</tls-crypt>\n");
            var (code, output) = Run(path);
            File.Delete(path);
            Assert.That(code, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain("tls-crypt key: not an OpenVPN static key"));
            path = Write($"client\nremote 10.0.0.1\nca {pki.ClientKey}\ncert {pki.ClientCert}\nkey {pki.ClientKey}\n");
            (code, output) = Run(path);
            File.Delete(path);
            Assert.That(code, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain("ca: no PEM certificate found"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
