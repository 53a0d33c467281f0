using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace OvpnDco.Client;

/// <summary>Credentials and checks shared by every TLS session of a client (loaded once, before connecting).</summary>
public sealed class TlsSettings
{
    public required IReadOnlyList<X509Certificate> Cas { get; init; }
    public required IReadOnlyList<X509Certificate> ClientChain { get; init; }
    public required AsymmetricKeyParameter ClientKey { get; init; }
    public required ClientConfig Config { get; init; }

    public static TlsSettings From(ClientConfig config) => new()
    {
        Cas = Certificates.ReadCertificates(config.Ca!, "ca"),
        ClientChain = Certificates.ReadCertificates(config.Cert!, "cert"),
        ClientKey = Certificates.ReadPrivateKey(config.Key!),
        Config = config,
    };
}

/// <summary>
/// One TLS session as the OpenVPN control channel carries it: BouncyCastle's TLS client in non-blocking mode —
/// ciphertext from the peer goes in with <see cref="Offer"/>, what to send comes out of <see cref="TakeOutput"/>,
/// plaintext in and out with <see cref="Write"/> and <see cref="TakePlaintext"/>. TLS 1.2 and 1.3.
/// </summary>
public sealed class TlsEndpoint
{
    private readonly TlsClientProtocol _protocol = new();
    private readonly Client _client;

    public TlsEndpoint(TlsSettings settings)
    {
        _client = new Client(settings);
    }

    /// <summary>Why the server's certificate was refused (set before the handshake fails).</summary>
    public string? VerifyError => _client.VerifyError;

    public bool HandshakeComplete => _client.Complete;

    public string? NegotiatedVersion => _client.Version;

    public string? ServerSubject => _client.ServerSubject;

    public void Start() => _protocol.Connect(_client);

    public void Offer(byte[] ciphertext) => _protocol.OfferInput(ciphertext);

    public byte[] TakeOutput()
    {
        int n = _protocol.GetAvailableOutputBytes();
        var b = new byte[n];
        if (n > 0)
            _protocol.ReadOutput(b, 0, n);
        return b;
    }

    public byte[] TakePlaintext()
    {
        int n = _protocol.GetAvailableInputBytes();
        var b = new byte[n];
        if (n > 0)
            _protocol.ReadInput(b, 0, n);
        return b;
    }

    public void Write(byte[] plaintext) => _protocol.WriteApplicationData(plaintext, 0, plaintext.Length);

    /// <summary>RFC 5705 / RFC 8446 exporter without context (OpenVPN's "EXPORTER-OpenVPN-datakeys").</summary>
    /// <remarks>BouncyCastle allows exporting only inside NotifyHandshakeComplete: the data keys are exported there and kept.</remarks>
    public byte[] Export(string label, int length)
    {
        if (label != DataKeys.ExporterLabel || length != DataKeys.Size || _client.Ekm is null)
            throw new InvalidOperationException("only the OpenVPN data-key export is kept after the handshake");
        return (byte[])_client.Ekm.Clone();
    }

    private sealed class Client : DefaultTlsClient
    {
        private readonly TlsSettings _settings;

        public Client(TlsSettings settings)
            : base(new BcTlsCrypto(new SecureRandom()))
        {
            _settings = settings;
        }

        public string? VerifyError { get; set; }
        public bool Complete { get; private set; }
        public string? Version { get; private set; }
        public string? ServerSubject { get; set; }
        public byte[]? Ekm { get; private set; }

        protected override ProtocolVersion[] GetSupportedVersions()
        {
            var min = _settings.Config.TlsVersionMin == "1.3" ? ProtocolVersion.TLSv13 : ProtocolVersion.TLSv12;
            var max = _settings.Config.TlsVersionMax == "1.2" ? ProtocolVersion.TLSv12 : ProtocolVersion.TLSv13;
            if (min.IsLaterVersionOf(max))
                throw new ClientException("tls-version-min is above tls-version-max");
            return max.DownTo(min);
        }

        public override void NotifyHandshakeComplete()
        {
            base.NotifyHandshakeComplete();
            Complete = true;
            Ekm = m_context.ExportKeyingMaterial(DataKeys.ExporterLabel, null, DataKeys.Size);
            Version = m_context.ServerVersion?.ToString();
        }

        public override TlsAuthentication GetAuthentication() => new Authentication(this, _settings);

        private sealed class Authentication(Client owner, TlsSettings settings) : TlsAuthentication
        {
            public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
            {
                var chain = new List<X509Certificate>();
                var tlsChain = serverCertificate.Certificate;
                for (int i = 0; i < tlsChain.Length; i++)
                    chain.Add(new X509Certificate(tlsChain.GetCertificateAt(i).GetEncoded()));
                owner.ServerSubject = chain.Count > 0 ? chain[0].SubjectDN.ToString() : null;
                string? error = Certificates.VerifyServer(chain, settings.Cas, settings.Config, DateTime.UtcNow);
                if (error is not null)
                {
                    owner.VerifyError = error;
                    throw new TlsFatalAlert(AlertDescription.bad_certificate, error);
                }
            }

            public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest)
            {
                var context = owner.m_context;
                var crypto = (BcTlsCrypto)owner.Crypto;
                bool tls13 = TlsUtilities.IsTlsV13(context);
                var entries = settings.ClientChain.Select(c => (TlsCertificate)new BcTlsCertificate(crypto, c.GetEncoded())).ToArray();
                Certificate certificate = tls13
                    ? new Certificate(certificateRequest.GetCertificateRequestContext(), entries.Select(e => new CertificateEntry(e, null)).ToArray())
                    : new Certificate(entries);
                var algorithm = ChooseSignature(certificateRequest.SupportedSignatureAlgorithms, settings.ClientKey, tls13);
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, settings.ClientKey, certificate, algorithm);
            }
        }

        private static SignatureAndHashAlgorithm ChooseSignature(IList<SignatureAndHashAlgorithm>? offered, AsymmetricKeyParameter key, bool tls13)
        {
            var candidates = new List<SignatureAndHashAlgorithm>();
            if (key is RsaKeyParameters)
            {
                candidates.Add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256);
                candidates.Add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha384);
                if (!tls13)
                {
                    candidates.Add(new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
                    candidates.Add(new SignatureAndHashAlgorithm(HashAlgorithm.sha1, SignatureAlgorithm.rsa));
                }
            }
            else if (key is ECPrivateKeyParameters ec)
            {
                int bits = ec.Parameters.Curve.FieldSize;
                short hash = bits > 384 ? HashAlgorithm.sha512 : bits > 256 ? HashAlgorithm.sha384 : HashAlgorithm.sha256;
                candidates.Add(new SignatureAndHashAlgorithm(hash, SignatureAlgorithm.ecdsa));
                if (!tls13)
                    candidates.Add(new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            }
            else if (key is Ed25519PrivateKeyParameters)
            {
                candidates.Add(SignatureAndHashAlgorithm.ed25519);
            }
            else
            {
                throw new ClientException("key: unsupported private key type (RSA, EC or Ed25519)");
            }
            if (offered is null)
                return candidates[0];
            foreach (var c in candidates)
            {
                if (offered.Contains(c))
                    return c;
            }
            throw new ClientException("the server accepts no signature algorithm our client key can make", 4);
        }
    }
}
