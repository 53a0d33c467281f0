using System;
using System.Buffers.Binary;
using System.Linq;
using System.Net;
using System.Text;
using OvpnDco.Client;
using OvpnDco.Uapi;

namespace OvpnDco.Interop.Tests;

public sealed class KeyMethodTests
{
    private static ClientConfig Config() => ConfigParser.Parse("client\nremote h\n<ca>\nx\n</ca>\n<cert>\nx\n</cert>\n<key>\nx\n</key>\n", "/");

    [Test]
    public void ClientMessageLayout()
    {
        var source = KeyMethod2.ClientSource.Create();
        var m = KeyMethod2.EncodeClient(source, "V4,opts", null, "IV_VER=2.6.14\n");
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(m), Is.Zero);
        Assert.That(m[4], Is.EqualTo(2), "key method 2");
        Assert.That(m.AsSpan(5, 48).ToArray(), Is.EqualTo(source.PreMaster));
        Assert.That(m.AsSpan(53, 32).ToArray(), Is.EqualTo(source.Random1));
        Assert.That(m.AsSpan(85, 32).ToArray(), Is.EqualTo(source.Random2));
        int o = 117;
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(o)), Is.EqualTo(8), "\"V4,opts\" + NUL");
        Assert.That(Encoding.ASCII.GetString(m, o + 2, 8), Is.EqualTo("V4,opts\0"));
        o += 10;
        Assert.That(m.AsSpan(o, 4).ToArray(), Is.EqualTo(new byte[4]), "no user name, no password: two bare zero lengths");
        o += 4;
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(o)), Is.EqualTo(15));
        Assert.That(Encoding.ASCII.GetString(m, o + 2, 15), Is.EqualTo("IV_VER=2.6.14\n\0"));
        Assert.That(m.Length, Is.EqualTo(o + 17));
    }

    [Test]
    public void ClientMessageWithUserAndPassword()
    {
        var m = KeyMethod2.EncodeClient(KeyMethod2.ClientSource.Create(), "o", ("alice", "pw"), "p");
        int o = 117 + 2 + 2;
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(o)), Is.EqualTo(6));
        Assert.That(Encoding.ASCII.GetString(m, o + 2, 6), Is.EqualTo("alice\0"));
        Assert.That(Encoding.ASCII.GetString(m, o + 10, 3), Is.EqualTo("pw\0"));
    }

    [Test]
    public void PeerInfoAnnouncesDataV2EkmAndCcExit()
    {
        var info = KeyMethod2.PeerInfo(Config(), "2.6.14");
        int proto = int.Parse(info.Split('\n').Single(l => l.StartsWith("IV_PROTO=", StringComparison.Ordinal))[9..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(proto & (1 << 1), Is.Not.Zero, "data v2");
        Assert.That(proto & (1 << 3), Is.Not.Zero, "TLS key export");
        Assert.That(proto & (1 << 7), Is.Not.Zero, "cc-exit");
        Assert.That(proto & (1 << 9), Is.Zero, "no dynamic tls-crypt (not implemented)");
        Assert.That(info, Does.Contain("IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\n"));
        Assert.That(info, Does.Contain("IV_VER=2.6.14\n"));
    }

    [Test]
    public void ServerMessage()
    {
        var b = new System.Collections.Generic.List<byte>(new byte[4]) { 2 };
        b.AddRange(Enumerable.Repeat((byte)1, 32));
        b.AddRange(Enumerable.Repeat((byte)2, 32));
        KeyMethod2.WriteString(b, "V4,server");
        var all = b.ToArray();
        Assert.That(KeyMethod2.DecodeServer(all.AsSpan(0, all.Length - 1)), Is.Null, "incomplete");
        var m = KeyMethod2.DecodeServer(all)!;
        Assert.That(m.Random1, Is.All.EqualTo(1));
        Assert.That(m.Random2, Is.All.EqualTo(2));
        Assert.That(m.Options, Is.EqualTo("V4,server"));
        Assert.That(m.Length, Is.EqualTo(all.Length));
        all[4] = 1;
        Assert.Throws<ClientException>(() => KeyMethod2.DecodeServer(all));
    }

    [Test]
    public void DataKeysFollowKeyDirectionNormalForTheClient()
    {
        var material = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var d = DataKeys.ToCryptoData(material, "AES-128-GCM", OvpnKeySlot.Secondary, 3, 0x123456);
        unsafe
        {
            Assert.That(d.Encrypt.KeyLen, Is.EqualTo(16));
            Assert.That(d.Encrypt.Key[0], Is.EqualTo(0));
            Assert.That(d.Encrypt.Key[15], Is.EqualTo(15));
            Assert.That(d.Encrypt.NonceTail[0], Is.EqualTo(64), "nonce tail = start of key set 0's HMAC half");
            Assert.That(d.Decrypt.Key[0], Is.EqualTo(128), "decrypt with key set 1");
            Assert.That(d.Decrypt.NonceTail[7], Is.EqualTo(199));
        }
        Assert.That((d.KeySlot, d.KeyId, d.PeerId, d.CipherAlg), Is.EqualTo((OvpnKeySlot.Secondary, (byte)3, 0x123456, OvpnCipherAlg.AesGcm)));
        Assert.That(DataKeys.ToCryptoData(material, "CHACHA20-POLY1305", OvpnKeySlot.Primary, 0, 0).CipherAlg, Is.EqualTo(OvpnCipherAlg.ChaCha20Poly1305));
        Assert.Throws<ClientException>(() => DataKeys.ToCryptoData(material, "BF-CBC", OvpnKeySlot.Primary, 0, 0));
    }

    [Test]
    public void Tls10PrfKnownAnswer()
    {
        // The TLS 1.0/1.1 PRF is what OpenVPN's legacy key derivation uses. Check it against OpenSSL's implementation
        // (the TLS1-PRF KDF of `openssl kdf`), computed on this machine when openssl is there.
        var secret = Enumerable.Range(1, 48).Select(i => (byte)i).ToArray();
        var seed = Encoding.ASCII.GetBytes("seed-bytes");
        var ours = DataKeys.Prf(secret, "OpenVPN master secret", seed, 48);
        var r = OvpnDco.TestSupport.NativeToolchain.Run(
            $"openssl kdf -keylen 48 -kdfopt digest:MD5-SHA1 -kdfopt hexsecret:{Convert.ToHexString(secret)} " +
            $"-kdfopt hexseed:{Convert.ToHexString(Encoding.ASCII.GetBytes("OpenVPN master secret"))}{Convert.ToHexString(seed)} TLS1-PRF");
        if (r.ExitCode != 0)
            Assert.Ignore("openssl kdf is not available: " + r.Stderr);
        Assert.That(Convert.ToHexString(ours), Is.EqualTo(r.Stdout.Trim().Replace(":", "", StringComparison.Ordinal)));
    }

    [Test]
    public void PushReplyWithContinuation()
    {
        var p = new PushReply();
        Assert.That(p.Merge("PUSH_REPLY,route-gateway 10.8.0.1,topology subnet,ping 10,ping-restart 60,push-continuation 2"), Is.False);
        Assert.That(p.Merge("PUSH_REPLY,route 10.9.0.0 255.255.0.0,ifconfig 10.8.0.2 255.255.255.0,peer-id 7,cipher AES-128-GCM," +
            "protocol-flags cc-exit tls-ekm dyn-tls-crypt,dhcp-option DNS 1.1.1.1,push-continuation 1"), Is.True);
        Assert.That((p.Address, p.PrefixLength, p.Topology, p.PeerId, p.Cipher, p.Ping, p.PingRestart),
            Is.EqualTo((IPAddress.Parse("10.8.0.2"), 24, "subnet", (int?)7, "AES-128-GCM", (int?)10, (int?)60)));
        Assert.That(p.KeyDerivationEkm, Is.True);
        Assert.That(p.ProtocolFlags, Does.Contain("cc-exit"));
        Assert.That(p.Routes.Single(), Is.EqualTo((IPAddress.Parse("10.9.0.0"), 16, (IPAddress?)null)));
        Assert.That(p.Ignored, Does.Contain("dhcp-option DNS 1.1.1.1"));
        Assert.Throws<ClientException>(() => new PushReply().Merge("PUSH_REPLY,ifconfig x y"));
        var v6 = new PushReply();
        v6.Merge("PUSH_REPLY,ifconfig-ipv6 fd77:77::1000/64 fd77:77::1,route-ipv6 fd88::/48");
        Assert.That((v6.Address6, v6.Prefix6), Is.EqualTo((IPAddress.Parse("fd77:77::1000"), 64)));
        Assert.That(v6.Routes6.Single(), Is.EqualTo((IPAddress.Parse("fd88::"), 48)));
    }
}
