using System;

namespace OvpnDco.Hosted.Tests;

/// <summary>
/// ovpn_hosted_hkdf_sha256_expand (OpenSSL EVP_KDF HKDF, expand only) with the known answers OpenVPN's own unit tests
/// use (tests/unit_tests/openvpn/test_crypto.c: RFC 5869 A.1–A.3 and its "ovpn unit test" label case).
/// </summary>
public class HkdfTests
{
    [TestCase("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", "f0f1f2f3f4f5f6f7f8f9",
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", TestName = "RFC 5869 A.1")]
    [TestCase("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
        "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87",
        TestName = "RFC 5869 A.2")]
    [TestCase("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04", "",
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8", TestName = "RFC 5869 A.3 (empty info)")]
    [TestCase("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", "001b0e6f76706e20756e6974207465737400",
        "875a8eec18556380b8d933ed323c2df8e8eccf4972e683f06a83ac", TestName = "OpenVPN ovpn unit test label")]
    public void KnownAnswers(string prk, string info, string okm)
    {
        var output = new byte[okm.Length / 2];
        Assert.That(HostedLibrary.HkdfExpand(Convert.FromHexString(prk), Convert.FromHexString(info), output), Is.Zero);
        Assert.That(Convert.ToHexString(output).ToLowerInvariant(), Is.EqualTo(okm));
    }

    [Test]
    public void BadArgumentsAreRefused()
    {
        var output = new byte[32];
        Assert.That(HostedLibrary.HkdfExpand(ReadOnlySpan<byte>.Empty, new byte[1], output), Is.EqualTo(-1), "no key");
        Assert.That(HostedLibrary.HkdfExpand(new byte[32], new byte[1], Span<byte>.Empty), Is.EqualTo(-1), "no output");
        Assert.That(HostedLibrary.HkdfExpand(new byte[32], new byte[1], new byte[255 * 32 + 1]), Is.EqualTo(-1), "over 255 blocks");
    }
}
