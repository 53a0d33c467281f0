using System;
using System.IO;
using OvpnDco.Client;

namespace OvpnDco.Interop.Tests;

public sealed class ConfigParserTests
{
    private const string Minimal = "client\nremote vpn.example 1195 tcp\n<ca>\nCA\n</ca>\n<cert>\nCERT\n</cert>\n<key>\nKEY\n</key>\n";

    [Test]
    public void ReadsRemotesInlineBlocksAndOptions()
    {
        var c = ConfigParser.Parse(Minimal + "remote 10.0.0.1\nproto udp\nport 1300\ndata-ciphers AES-128-GCM:CHACHA20-POLY1305\n" +
            "verify-x509-name \"my server\" name\nremote-cert-tls server\nping 7\nping-restart 31\nreneg-sec 20\nconnect-retry 2 30\n", "/");
        Assert.That(c.Remotes, Has.Count.EqualTo(2));
        Assert.That(c.Remotes[0], Is.EqualTo(("vpn.example", 1195, (TransportProto?)TransportProto.Tcp)));
        Assert.That(c.Remotes[1], Is.EqualTo(("10.0.0.1", 1300, (TransportProto?)TransportProto.Udp)));
        Assert.That(c.Ca, Is.EqualTo("CA\n"));
        Assert.That(c.Key, Is.EqualTo("KEY\n"));
        Assert.That(c.DataCiphers, Is.EqualTo(new[] { "AES-128-GCM", "CHACHA20-POLY1305" }));
        Assert.That(c.VerifyX509Name, Is.EqualTo((X509NameType.Name, "my server")));
        Assert.That(c.RemoteCertTlsServer, Is.True);
        Assert.That((c.Ping, c.PingRestart, c.RenegSec, c.ConnectRetry, c.ConnectRetryMaxDelay), Is.EqualTo((7, 31, 20, 2, 30)));
    }

    [Test]
    public void ReadsFilesRelativeToTheConfig()
    {
        string dir = Directory.CreateTempSubdirectory("ovi-config").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "ca.crt"), "THE CA");
            File.WriteAllText(Path.Combine(dir, "c.ovpn"), "client\nremote h\nca ca.crt\ncert ca.crt\nkey ca.crt\n");
            var c = ConfigParser.Load(Path.Combine(dir, "c.ovpn"));
            Assert.That(c.Ca, Is.EqualTo("THE CA"));
            Assert.That(c.Remotes[0].Port, Is.EqualTo(1194));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestCase("comp-lzo", "comp-lzo")]
    [TestCase("redirect-gateway def1", "redirect-gateway")]
    [TestCase("tls-cipher DEFAULT", "tls-cipher")]
    [TestCase("pkcs12 x.p12", "pkcs12")]
    [TestCase("<pkcs12>\nx\n</pkcs12>", "pkcs12")]
    public void RefusesUnknownSecurityOptionsByName(string line, string name)
    {
        var e = Assert.Throws<ClientException>(() => ConfigParser.Parse(Minimal + line + "\n", "/"));
        Assert.That(e!.Message, Does.Contain(name));
        Assert.That(e.Message, Does.Contain("line 12"));
    }

    [Test]
    public void WarnsOnceAboutHarmlessOptions()
    {
        var c = ConfigParser.Parse(Minimal + "persist-key\npersist-tun\npersist-key\nnobind\n", "/");
        Assert.That(c.Warnings, Has.Count.EqualTo(3));
        Assert.That(c.Warnings[0], Does.Contain("persist-key"));
    }

    [TestCase("remote h\n<ca>\nx\n</ca>\n<cert>\nx\n</cert>\n<key>\nx\n</key>\n", "not a client config")]
    [TestCase("client\n<ca>\nx\n</ca>\n<cert>\nx\n</cert>\n<key>\nx\n</key>\n", "no 'remote'")]
    [TestCase("client\nremote h\n<cert>\nx\n</cert>\n<key>\nx\n</key>\n", "no 'ca'")]
    [TestCase("client\nremote h\n<ca>\nx\n</ca>\n", "no 'cert'")]
    [TestCase("client\nremote h 99999\n", "line 2")]
    [TestCase("client\ndev tap0\n", "tap")]
    [TestCase("client\ndata-ciphers AES-256-CBC\n", "AES-256-CBC")]
    [TestCase("client\n<ca>\nx\n", "not closed")]
    public void ClearErrors(string text, string expected)
    {
        var e = Assert.Throws<ClientException>(() => ConfigParser.Parse(text, "/"));
        Assert.That(e!.Message, Does.Contain(expected));
        Assert.That(e.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public void Tokenizer()
    {
        Assert.That(ConfigParser.Split("a \"b c\" 'd e' f # comment", 1), Is.EqualTo(new[] { "a", "b c", "d e", "f" }));
        Assert.That(ConfigParser.Split("x \"a\\\"b\"", 1), Is.EqualTo(new[] { "x", "a\"b" }));
        Assert.Throws<ClientException>(() => ConfigParser.Split("x \"open", 1));
    }
}
