using System.IO;
using OvpnDco.TestSupport;

namespace OvpnDco.Interop.Tests;

/// <summary>A throw-away PKI made with openssl at test time (EC P-256): a CA with a server and a client certificate,
/// a second unrelated CA, an expired server certificate, and an OpenVPN tls-crypt key.</summary>
public sealed record Pki(string Dir)
{
    public string Ca => Path.Combine(Dir, "ca.crt");
    public string ServerCert => Path.Combine(Dir, "server.crt");
    public string ServerKey => Path.Combine(Dir, "server.key");
    public string ClientCert => Path.Combine(Dir, "client.crt");
    public string ClientKey => Path.Combine(Dir, "client.key");
    public string OtherCa => Path.Combine(Dir, "other-ca.crt");
    public string ExpiredServerCert => Path.Combine(Dir, "expired.crt");
    public string TlsCryptKey => Path.Combine(Dir, "tc.key");
    public string OtherTlsCryptKey => Path.Combine(Dir, "tc-other.key");
    public string TlsCryptV2ServerKey => Path.Combine(Dir, "v2-server.key");
    public string TlsCryptV2ClientKey => Path.Combine(Dir, "v2-client.key");

    public static Pki Create(string dir, bool extras = false)
    {
        Directory.CreateDirectory(dir);
        const string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        string script = $@"set -e
cd '{dir}'
openssl req -x509 {ec} -keyout ca.key -out ca.crt -days 30 -subj /CN=ovi-ca -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' > server.ext
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > client.ext
openssl req {ec} -keyout server.key -out server.csr -subj /CN=server
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 30 -extfile server.ext
openssl req {ec} -keyout client.key -out client.csr -subj /CN=client
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 30 -extfile client.ext
";
        if (extras)
        {
            script += $@"openssl req -x509 {ec} -keyout other-ca.key -out other-ca.crt -days 30 -subj /CN=ovi-ca -addext basicConstraints=critical,CA:TRUE
: > index.txt; echo 1000 > serial
printf '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n' > ca.cnf
openssl ca -batch -config ca.cnf -cert ca.crt -keyfile ca.key -in server.csr -out expired.crt -startdate 20200101000000Z -enddate 20210101000000Z -extfile server.ext -notext
/usr/sbin/openvpn --genkey tls-crypt tc.key
/usr/sbin/openvpn --genkey tls-crypt tc-other.key
/usr/sbin/openvpn --genkey tls-crypt-v2-server v2-server.key
/usr/sbin/openvpn --tls-crypt-v2 v2-server.key --genkey tls-crypt-v2-client v2-client.key
";
        }
        var r = NativeToolchain.Run($"bash -c {NativeToolchain.Quote(script)}", null, 120_000);
        Assert.That(r.ExitCode, Is.Zero, "making the PKI failed: " + r.Stderr + r.Stdout);
        return new Pki(dir);
    }
}
