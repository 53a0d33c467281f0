using System;

namespace OvpnDco.Client;

/// <summary>
/// A tls-crypt-v2 client key file: PEM "OpenVPN tls-crypt-v2 client key" of Kc (256 bytes, used like a tls-crypt key)
/// followed by WKc (the client key wrapped with the server's key: tag 32 | encrypted Kc and metadata | u16 length),
/// which the client appends to P_CONTROL_HARD_RESET_CLIENT_V3 for the server to unwrap.
/// </summary>
public static class TlsCryptV2Key
{
    public static (StaticKeyFile Kc, byte[] WrappedKey) Parse(string text)
    {
        const string begin = "-----BEGIN OpenVPN tls-crypt-v2 client key-----", end = "-----END OpenVPN tls-crypt-v2 client key-----";
        int b = text.IndexOf(begin, StringComparison.Ordinal);
        int e = text.IndexOf(end, StringComparison.Ordinal);
        if (b < 0 || e < b)
        {
            throw new ClientException(text.Contains("tls-crypt-v2 server key", StringComparison.Ordinal)
                ? "tls-crypt-v2: this is the server key; a client needs a client key (openvpn --tls-crypt-v2 server.key --genkey tls-crypt-v2-client)"
                : "tls-crypt-v2: not an OpenVPN tls-crypt-v2 client key");
        }
        byte[] all;
        try
        {
            all = Convert.FromBase64String(text[(b + begin.Length)..e].Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal));
        }
        catch (FormatException)
        {
            throw new ClientException("tls-crypt-v2: the client key is not base64");
        }
        // WKc = tag 32 | AES-CTR(Kc 256 | metadata) | u16 length of WKc; at least 32 + 256 + 2 bytes.
        if (all.Length < StaticKeyFile.Size + 32 + StaticKeyFile.Size + 2)
            throw new ClientException($"tls-crypt-v2: the client key holds {all.Length} bytes, too few for Kc and a wrapped key");
        var wkc = all.AsSpan(StaticKeyFile.Size).ToArray();
        int declared = wkc[^2] << 8 | wkc[^1];
        if (declared != wkc.Length)
            throw new ClientException($"tls-crypt-v2: the wrapped key says {declared} bytes but holds {wkc.Length}");
        return (StaticKeyFile.FromBytes(all.AsSpan(0, StaticKeyFile.Size).ToArray()), wkc);
    }
}
