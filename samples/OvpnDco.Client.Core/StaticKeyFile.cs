using System;
using System.Globalization;
using System.Text;

namespace OvpnDco.Client;

/// <summary>
/// An OpenVPN static key file ("-----BEGIN OpenVPN Static key V1-----", 256 bytes in hex): two key sets of
/// [64 cipher | 64 hmac]. Used by tls-crypt and tls-auth.
/// </summary>
public sealed class StaticKeyFile
{
    public const int Size = 256;
    private readonly byte[] _key;

    private StaticKeyFile(byte[] key) => _key = key;

    public static StaticKeyFile Parse(string text, string what)
    {
        const string begin = "-----BEGIN OpenVPN Static key V1-----", end = "-----END OpenVPN Static key V1-----";
        int b = text.IndexOf(begin, StringComparison.Ordinal);
        int e = text.IndexOf(end, StringComparison.Ordinal);
        if (b < 0 || e < b)
            throw new ClientException($"{what}: not an OpenVPN static key (no '{begin}')");
        var hex = new StringBuilder();
        foreach (var line in text[(b + begin.Length)..e].Split('\n'))
        {
            var t = line.Trim();
            if (t.Length == 0 || t.StartsWith('#'))
                continue;
            hex.Append(t);
        }
        if (hex.Length != Size * 2)
            throw new ClientException($"{what}: the static key holds {hex.Length / 2} bytes, not {Size}");
        var key = new byte[Size];
        for (int i = 0; i < Size; i++)
        {
            if (!byte.TryParse(hex.ToString(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out key[i]))
                throw new ClientException($"{what}: the static key is not hex");
        }
        return new StaticKeyFile(key);
    }

    public static StaticKeyFile FromBytes(byte[] key) => key.Length == Size ? new StaticKeyFile((byte[])key.Clone()) : throw new ArgumentException("256 bytes");

    /// <summary>The cipher half (64 bytes) of key set <paramref name="index"/> (0 or 1).</summary>
    public ReadOnlySpan<byte> Cipher(int index) => _key.AsSpan(index * 128, 64);

    /// <summary>The HMAC half (64 bytes) of key set <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Hmac(int index) => _key.AsSpan(index * 128 + 64, 64);
}
