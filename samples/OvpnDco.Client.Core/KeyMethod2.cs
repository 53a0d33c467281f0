using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace OvpnDco.Client;

/// <summary>
/// Key method 2, the first plaintext each side writes into TLS:
/// <code>
/// u32 0 | u8 2 | key source (client: pre-master 48, random1 32, random2 32; server: random1 32, random2 32)
/// | string options | string user | string password | string peer-info (client)
/// string = u16 length including the NUL, bytes, NUL; an absent user/password is a bare u16 0.
/// </code>
/// </summary>
public static class KeyMethod2
{
    public const byte Method = 2;

    /// <summary>The random key source a client sends (needed again for the TLS-PRF key derivation).</summary>
    public sealed record ClientSource(byte[] PreMaster, byte[] Random1, byte[] Random2)
    {
        public static ClientSource Create() => new(RandomNumberGenerator.GetBytes(48), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>What the server sent.</summary>
    public sealed record ServerMessage(byte[] Random1, byte[] Random2, string Options, int Length);

    /// <summary>IV_PROTO bits we announce (ssl.h): data v2, TLS key export, cc-exit notify.</summary>
    public const int IvProtoDataV2 = 1 << 1, IvProtoRequestPush = 1 << 2, IvProtoTlsKeyExport = 1 << 3, IvProtoCcExitNotify = 1 << 7;

    public static string PeerInfo(ClientConfig config, string version)
    {
        var sb = new StringBuilder();
        sb.Append("IV_VER=").Append(version).Append('\n');
        sb.Append("IV_PLAT=").Append(OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsLinux() ? "linux" : "unknown").Append('\n');
        sb.Append("IV_PROTO=").Append(IvProtoDataV2 | IvProtoTlsKeyExport | IvProtoCcExitNotify).Append('\n');
        sb.Append("IV_CIPHERS=").Append(string.Join(':', config.DataCiphers)).Append('\n');
        sb.Append("IV_NCP=2\n");
        sb.Append("IV_TCPNL=1\n");
        sb.Append("IV_GUI_VER=ovpn-dco-client\n");
        return sb.ToString();
    }

    /// <summary>The options string OpenVPN compares for compatibility warnings (V4 format).</summary>
    public static string OptionsString(ClientConfig config, TransportProto proto)
        => $"V4,dev-type tun,link-mtu 1549,tun-mtu 1500,proto {(proto == TransportProto.Tcp ? "TCPv4_CLIENT" : "UDPv4")},cipher {config.DataCiphers[0]},auth [null-digest],keysize {(config.DataCiphers[0].StartsWith("AES-128", StringComparison.Ordinal) ? 128 : 256)},key-method 2,tls-client";

    public static byte[] EncodeClient(ClientSource source, string options, (string User, string Password)? auth, string peerInfo)
    {
        var b = new List<byte>(512);
        b.AddRange(new byte[4]);
        b.Add(Method);
        b.AddRange(source.PreMaster);
        b.AddRange(source.Random1);
        b.AddRange(source.Random2);
        WriteString(b, options);
        if (auth is { } a)
        {
            WriteString(b, a.User);
            WriteString(b, a.Password);
        }
        else
        {
            b.Add(0); b.Add(0);
            b.Add(0); b.Add(0);
        }
        WriteString(b, peerInfo);
        return b.ToArray();
    }

    /// <summary>Parses the server's message from the start of <paramref name="data"/>; null while incomplete; throws when malformed.</summary>
    public static ServerMessage? DecodeServer(ReadOnlySpan<byte> data)
    {
        if (data.Length < 5 + 64 + 2)
            return null;
        if (BinaryPrimitives.ReadUInt32BigEndian(data) != 0)
            throw new ClientException("key method 2: the server's message does not start with four zero bytes", 4);
        if (data[4] != Method)
            throw new ClientException($"key method 2: the server uses key method {data[4]}", 4);
        var r1 = data.Slice(5, 32).ToArray();
        var r2 = data.Slice(37, 32).ToArray();
        int o = 69;
        int len = BinaryPrimitives.ReadUInt16BigEndian(data[o..]);
        if (data.Length < o + 2 + len)
            return null;
        string options = len == 0 ? string.Empty : Encoding.ASCII.GetString(data.Slice(o + 2, len - 1));
        o += 2 + len;
        // A server may append user/password and peer-info strings (p2p tls-server); consume them when present.
        return new ServerMessage(r1, r2, options, o);
    }

    internal static void WriteString(List<byte> b, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        int len = bytes.Length + 1;
        b.Add((byte)(len >> 8));
        b.Add((byte)len);
        b.AddRange(bytes);
        b.Add(0);
    }
}
