using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.X509;

namespace OvpnDco.Client;

/// <summary>PEM loading and the checks OpenVPN makes on the server's certificate.</summary>
public static class Certificates
{
    public static List<X509Certificate> ReadCertificates(string pem, string what)
    {
        var result = new List<X509Certificate>();
        try
        {
            using var reader = new PemReader(new StringReader(pem));
            object? o;
            while ((o = reader.ReadObject()) is not null)
            {
                if (o is X509Certificate c)
                    result.Add(c);
            }
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or PemException)
        {
            throw new ClientException($"{what}: not a PEM certificate ({e.Message})");
        }
        if (result.Count == 0)
            throw new ClientException($"{what}: no PEM certificate found");
        return result;
    }

    public static AsymmetricKeyParameter ReadPrivateKey(string pem)
    {
        if (pem.Contains("ENCRYPTED", StringComparison.Ordinal))
            throw new ClientException("key: encrypted private keys are not supported (askpass): decrypt it with openssl first");
        try
        {
            using var reader = new PemReader(new StringReader(pem));
            object? o;
            while ((o = reader.ReadObject()) is not null)
            {
                if (o is AsymmetricCipherKeyPair pair)
                    return pair.Private;
                if (o is AsymmetricKeyParameter { IsPrivate: true } key)
                    return key;
            }
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or PemException)
        {
            throw new ClientException($"key: not a PEM private key ({e.Message})");
        }
        throw new ClientException("key: no PEM private key found");
    }

    /// <summary>
    /// Checks the server's chain (leaf first, as sent) against the CAs: every certificate within its validity, each
    /// signed by the next up to a configured CA; then remote-cert-tls server (extended key usage serverAuth) and
    /// verify-x509-name. Returns null when it is acceptable, else the reason.
    /// </summary>
    public static string? VerifyServer(IReadOnlyList<X509Certificate> chain, IReadOnlyList<X509Certificate> cas, ClientConfig config, DateTime now)
    {
        if (chain.Count == 0)
            return "the server sent no certificate";
        var leaf = chain[0];
        var current = leaf;
        for (int depth = 0; depth < 8; depth++)
        {
            if (!current.IsValid(now))
            {
                return now > current.NotAfter
                    ? $"certificate '{current.SubjectDN}' expired on {current.NotAfter:yyyy-MM-dd HH:mm:ss}Z"
                    : $"certificate '{current.SubjectDN}' is not valid before {current.NotBefore:yyyy-MM-dd HH:mm:ss}Z";
            }
            var trusted = cas.FirstOrDefault(ca => ca.SubjectDN.Equivalent(current.IssuerDN) && SignedBy(current, ca));
            if (trusted is not null)
            {
                if (!trusted.IsValid(now))
                    return $"CA certificate '{trusted.SubjectDN}' is not valid now";
                return CheckLeaf(leaf, config);
            }
            var next = chain.Skip(1).FirstOrDefault(c => c.SubjectDN.Equivalent(current.IssuerDN) && SignedBy(current, c) && IsCa(c));
            if (next is null || ReferenceEquals(next, current))
                return $"certificate '{current.SubjectDN}' is not signed by the configured CA (issuer '{current.IssuerDN}')";
            current = next;
        }
        return "the certificate chain is too long";
    }

    private static bool SignedBy(X509Certificate cert, X509Certificate issuer)
    {
        try
        {
            cert.Verify(issuer.GetPublicKey());
            return true;
        }
        catch (Exception e) when (e is Org.BouncyCastle.Security.GeneralSecurityException or Org.BouncyCastle.Crypto.CryptoException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsCa(X509Certificate c) => c.GetBasicConstraints() >= 0;

    private static string? CheckLeaf(X509Certificate leaf, ClientConfig config)
    {
        if (config.RemoteCertTlsServer)
        {
            var eku = leaf.GetExtendedKeyUsage();
            if (eku is null || !eku.Any(o => o.Id == KeyPurposeID.id_kp_serverAuth.Id))
                return $"remote-cert-tls server: certificate '{leaf.SubjectDN}' has no TLS Web Server Authentication extended key usage";
            var ku = leaf.GetKeyUsage();
            if (ku is not null && !(ku[0] || ku[2] || ku[4]))
                return $"remote-cert-tls server: certificate '{leaf.SubjectDN}' key usage allows neither digitalSignature, keyEncipherment nor keyAgreement";
        }
        if (config.VerifyX509Name is { } v)
        {
            string cn = leaf.SubjectDN.GetValueList(X509Name.CN).LastOrDefault() ?? string.Empty;
            bool ok = v.Type switch
            {
                X509NameType.Name => cn == v.Name,
                X509NameType.NamePrefix => cn.StartsWith(v.Name, StringComparison.Ordinal),
                _ => Normalize(leaf.SubjectDN.ToString()) == Normalize(v.Name),
            };
            if (!ok)
                return $"verify-x509-name: the server's certificate '{leaf.SubjectDN}' does not match '{v.Name}'";
        }
        return null;
    }

    private static string Normalize(string dn) => string.Join(",", dn.Split(',').Select(p => p.Trim()));
}
