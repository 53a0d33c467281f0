using System;

namespace OvpnDco.Client;

/// <summary>How control packets are protected on the wire: nothing, tls-auth (HMAC) or tls-crypt (HMAC + AES-256-CTR).</summary>
public abstract class ControlWrap
{
    /// <summary>The wire bytes of <paramref name="packet"/>.</summary>
    public abstract byte[] Wrap(ControlPacket packet);

    /// <summary>The packet in <paramref name="wire"/>, or null with <paramref name="error"/> when it does not authenticate or parse.</summary>
    public abstract ControlPacket? Unwrap(ReadOnlySpan<byte> wire, out string? error);

    /// <summary>The wrapping from the config (tls-crypt, tls-auth, or none).</summary>
    public static ControlWrap From(ClientConfig config)
    {
        if (config.TlsCryptV2 is not null)
        {
            var (kc, wkc) = TlsCryptV2Key.Parse(config.TlsCryptV2);
            return new TlsCryptWrap(kc, server: false) { WrappedClientKey = wkc };
        }
        if (config.TlsCrypt is not null)
            return new TlsCryptWrap(StaticKeyFile.Parse(config.TlsCrypt, "tls-crypt key"), server: false);
        if (config.TlsAuth is not null)
            return new TlsAuthWrap(StaticKeyFile.Parse(config.TlsAuth, "tls-auth key"), config.KeyDirection, config.Auth ?? "SHA1");
        return new PlainWrap();
    }
}

/// <summary>No wrapping: header and body as they are.</summary>
public sealed class PlainWrap : ControlWrap
{
    public override byte[] Wrap(ControlPacket packet) => packet.ToBytes();

    public override ControlPacket? Unwrap(ReadOnlySpan<byte> wire, out string? error)
    {
        var p = wire.Length > ControlPacket.HeaderSize ? ControlPacket.Parse(wire[..ControlPacket.HeaderSize], wire[ControlPacket.HeaderSize..]) : null;
        error = p is null ? "malformed control packet" : null;
        return p;
    }
}
