using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using OvpnDco.Client;

namespace OvpnDco.Interop.Tests;

/// <summary>tls-crypt and tls-auth: round trips, tampering, and the first packet the real openvpn client sends.</summary>
public sealed class WrapTests
{
    private static StaticKeyFile RandomKey() => StaticKeyFile.FromBytes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(256));

    private static ControlPacket Sample()
    {
        var p = new ControlPacket { Opcode = Opcode.ControlV1, KeyId = 1, SessionId = 42, RemoteSessionId = 43, PacketId = 5, Payload = new byte[100] };
        p.Acks.Add(4);
        return p;
    }

    [Test]
    public void TlsCryptClientToServerAndBack()
    {
        var key = RandomKey();
        var client = new TlsCryptWrap(key, server: false);
        var server = new TlsCryptWrap(key, server: true);
        var wire = client.Wrap(Sample());
        Assert.That(wire.Length, Is.EqualTo(9 + 8 + 32 + Sample().Body().Length));
        Assert.That(wire.AsSpan(49).ToArray(), Is.Not.EqualTo(Sample().Body()), "the body is encrypted");
        var p = server.Unwrap(wire, out var error);
        Assert.That(error, Is.Null);
        Assert.That((p!.Opcode, p.KeyId, p.SessionId, p.PacketId, p.Acks.Single()), Is.EqualTo((Opcode.ControlV1, (byte)1, 42UL, 5u, 4u)));
        Assert.That(client.Unwrap(wire, out _), Is.Null, "a client cannot unwrap its own direction");
        Assert.That(server.Unwrap(wire, out error), Is.Null, "replay");
        Assert.That(error, Does.Contain("replay"));
        var back = server.Wrap(Sample());
        Assert.That(client.Unwrap(back, out _), Is.Not.Null);
    }

    [Test]
    public void TlsCryptRejectsTamperingAndAnotherKey()
    {
        var key = RandomKey();
        var wire = new TlsCryptWrap(key, false).Wrap(Sample());
        for (int i = 0; i < wire.Length; i += 7)
        {
            var bad = (byte[])wire.Clone();
            bad[i] ^= 0x10;
            Assert.That(new TlsCryptWrap(key, true).Unwrap(bad, out var error), Is.Null, $"byte {i} flipped");
            Assert.That(error, Does.Contain("tls-crypt"));
        }
        Assert.That(new TlsCryptWrap(RandomKey(), true).Unwrap(wire, out var e2), Is.Null);
        Assert.That(e2, Does.Contain("wrong tls-crypt key"));
    }

    [Test]
    public void AesCtrMatchesOpenSsl()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var iv = Enumerable.Repeat((byte)0xFF, 16).ToArray(); // the counter wraps across all 128 bits
        var plain = new byte[40];
        var ours = new byte[40];
        TlsCryptWrap.AesCtr(key, iv, plain, ours);
        string file = Path.GetTempFileName();
        File.WriteAllBytes(file, plain);
        var r = OvpnDco.TestSupport.NativeToolchain.Run($"openssl enc -aes-256-ctr -K {Convert.ToHexString(key)} -iv {Convert.ToHexString(iv)} -in {file} | xxd -p | tr -d '\\n'");
        File.Delete(file);
        if (r.ExitCode != 0)
            Assert.Ignore("openssl is not available");
        Assert.That(Convert.ToHexString(ours).ToLowerInvariant(), Is.EqualTo(r.Stdout.Trim()));
    }

    [Test]
    public void TlsAuthRoundTripAndDirections()
    {
        var key = RandomKey();
        var client = new TlsAuthWrap(key, 1, "SHA1");
        var server = new TlsAuthWrap(key, 0, "SHA1");
        var wire = client.Wrap(Sample());
        Assert.That(wire.Length, Is.EqualTo(9 + 20 + 8 + Sample().Body().Length));
        Assert.That(server.Unwrap(wire, out _), Is.Not.Null);
        Assert.That(new TlsAuthWrap(key, 1, "SHA1").Unwrap(wire, out var e), Is.Null, "same direction on both ends fails");
        Assert.That(e, Does.Contain("tls-auth"));
        var bidi = new TlsAuthWrap(key, null, "SHA256").Wrap(Sample());
        Assert.That(new TlsAuthWrap(key, null, "SHA256").Unwrap(bidi, out _), Is.Not.Null);
    }

    [Test]
    public void TlsCryptV2ClientKeyFromOpenVpn()
    {
        if (!File.Exists("/usr/sbin/openvpn"))
            Assert.Ignore("no /usr/sbin/openvpn");
        string dir = Directory.CreateTempSubdirectory("ovi-v2").FullName;
        try
        {
            var r = OvpnDco.TestSupport.NativeToolchain.Run($"cd {dir} && /usr/sbin/openvpn --genkey tls-crypt-v2-server s.key && /usr/sbin/openvpn --tls-crypt-v2 s.key --genkey tls-crypt-v2-client c.key");
            Assert.That(r.ExitCode, Is.Zero, r.Stderr);
            var (kc, wkc) = TlsCryptV2Key.Parse(File.ReadAllText(Path.Combine(dir, "c.key")));
            Assert.That(kc.Cipher(0).Length, Is.EqualTo(64));
            Assert.That(wkc.Length, Is.EqualTo(32 + 256 + 9 + 2), "tag, Kc, timestamp metadata (type byte + 8), length");
            var e = Assert.Throws<ClientException>(() => TlsCryptV2Key.Parse(File.ReadAllText(Path.Combine(dir, "s.key"))));
            Assert.That(e!.Message, Does.Contain("server key"));
            var wrap = new TlsCryptWrap(kc, server: false) { WrappedClientKey = wkc };
            var reset = new ControlPacket { Opcode = Opcode.ControlHardResetClientV3, SessionId = 9 };
            var wire = wrap.Wrap(reset);
            Assert.That(wire.AsSpan(wire.Length - wkc.Length).ToArray(), Is.EqualTo(wkc), "WKc appended in clear");
            Assert.That(new TlsCryptWrap(kc, server: true).Unwrap(wire.AsSpan(0, wire.Length - wkc.Length), out _)!.Opcode, Is.EqualTo(Opcode.ControlHardResetClientV3));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>The real openvpn client's first packet (P_CONTROL_HARD_RESET_CLIENT_V2) unwraps with our server-side
    /// tls-crypt / tls-auth code: the key directions, HMAC input, IV and layout are OpenVPN's.</summary>
    [TestCase("tls-crypt")]
    [TestCase("tls-auth")]
    public void UnwrapsWhatRealOpenVpnSends(string mode)
    {
        if (!File.Exists("/usr/sbin/openvpn"))
            Assert.Ignore("no /usr/sbin/openvpn (scripts/install-deps.sh installs it)");
        string dir = Directory.CreateTempSubdirectory("ovi-wrap").FullName;
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        Process? openvpn = null;
        try
        {
            string keyFile = Path.Combine(dir, "k.key");
            var gen = OvpnDco.TestSupport.NativeToolchain.Run($"/usr/sbin/openvpn --genkey secret {keyFile}");
            Assert.That(gen.ExitCode, Is.Zero, gen.Stderr);
            var pki = Pki.Create(Path.Combine(dir, "pki"));
            string wrapOption = mode == "tls-crypt" ? $"--tls-crypt {keyFile}" : $"--tls-auth {keyFile} 1";
            var start = new ProcessStartInfo("/usr/sbin/openvpn",
                $"--client --dev null --nobind --proto udp --remote 127.0.0.1 {port} {wrapOption} --ca {pki.Ca} --cert {pki.ClientCert} --key {pki.ClientKey} --verb 0")
            { RedirectStandardOutput = true, RedirectStandardError = true };
            openvpn = Process.Start(start)!;
            var receive = udp.ReceiveAsync();
            Assert.That(receive.Wait(TimeSpan.FromSeconds(15)), Is.True, "openvpn sent nothing");
            var wire = receive.Result.Buffer;
            var key = StaticKeyFile.Parse(File.ReadAllText(keyFile), "key");
            ControlWrap server = mode == "tls-crypt" ? new TlsCryptWrap(key, server: true) : new TlsAuthWrap(key, 0, "SHA1");
            var p = server.Unwrap(wire, out var error);
            Assert.That(error, Is.Null);
            Assert.That(p!.Opcode, Is.EqualTo(Opcode.ControlHardResetClientV2));
            Assert.That((p.KeyId, p.PacketId, p.Acks.Count), Is.EqualTo(((byte)0, 0u, 0)));
            Assert.That(p.SessionId, Is.Not.Zero);
            ControlWrap wrong = mode == "tls-crypt" ? new TlsCryptWrap(key, server: false) : new TlsAuthWrap(key, 1, "SHA1");
            Assert.That(wrong.Unwrap(wire, out _), Is.Null, "the other direction must not authenticate");
        }
        finally
        {
            if (openvpn is { HasExited: false })
            {
                openvpn.Kill();
                openvpn.WaitForExit(5000);
            }
            openvpn?.Dispose();
            Directory.Delete(dir, true);
        }
    }
}
