using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace OvpnDco.Client;

/// <summary>Transport of the control and data channel.</summary>
public enum TransportProto { Udp, Tcp }

/// <summary>How <c>verify-x509-name</c> compares (OpenVPN's types).</summary>
public enum X509NameType { Subject, Name, NamePrefix }

/// <summary>The subset of an OpenVPN client configuration this client understands.</summary>
public sealed class ClientConfig
{
    public List<(string Host, int Port, TransportProto? Proto)> Remotes { get; } = new();
    public TransportProto Proto { get; set; } = TransportProto.Udp;
    public int Port { get; set; } = 1194;
    public string Dev { get; set; } = "tun";
    public string? Ca { get; set; }
    public string? Cert { get; set; }
    public string? Key { get; set; }
    public string? TlsCrypt { get; set; }
    public string? TlsAuth { get; set; }
    public string? TlsCryptV2 { get; set; }
    public int? KeyDirection { get; set; }
    public string? Auth { get; set; }
    public List<string> DataCiphers { get; } = new() { "AES-256-GCM", "AES-128-GCM", "CHACHA20-POLY1305" };
    public (X509NameType Type, string Name)? VerifyX509Name { get; set; }
    public bool RemoteCertTlsServer { get; set; }
    public int Ping { get; set; }
    public int PingRestart { get; set; }
    public int RenegSec { get; set; } = 3600;
    public int ConnectRetry { get; set; } = 1;
    public int ConnectRetryMaxDelay { get; set; } = 300;
    public int? ConnectAttempts { get; set; }
    public int HandWindow { get; set; } = 60;
    public (string User, string Password)? AuthUserPass { get; set; }
    public int Verbosity { get; set; } = 1;
    public string TlsVersionMin { get; set; } = "1.2";
    public string? TlsVersionMax { get; set; }
    public List<string> Warnings { get; } = new();
}

/// <summary>
/// Parses the practical subset of <c>.ovpn</c> client files: one option per line (<c>#</c>/<c>;</c> comments,
/// double-quoted arguments), inline blocks (<c>&lt;ca&gt;…&lt;/ca&gt;</c>). Options that would change security and that
/// we do not implement are refused by name; options without effect on a DCO client are warned about once.
/// </summary>
public static class ConfigParser
{
    // Accepted and meaningless for this client (or already our behaviour): a warning, once each.
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        "persist-key", "persist-tun", "nobind", "resolv-retry", "mute-replay-warnings", "mute", "explicit-exit-notify",
        "auth-nocache", "script-security", "up", "down", "route-delay", "sndbuf", "rcvbuf", "fast-io", "keepalive-timeout-exit",
        "setenv", "register-dns", "dhcp-option",
        "tun-mtu", "mssfix", "fragment-size", "txqueuelen", "status", "log", "log-append", "writepid", "daemon", "user", "group",
        "float", "remote-random", "server-poll-timeout", "connect-timeout", "tls-timeout", "reneg-bytes", "reneg-pkts", "verb",
        "allow-compression", "tls-exit", "single-session", "machine-readable-output", "windows-driver",
        "disable-dco", "ncp-disable", "suppress-timestamps", "push-peer-info",
    };

    // Accepted only with the value we implement; anything else is refused.
    public static ClientConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClientException($"cannot read config '{path}': {e.Message}");
        }
        return Parse(text, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    public static ClientConfig Parse(string text, string baseDirectory)
    {
        var c = new ClientConfig();
        bool client = false, pull = false, tlsClient = false;
        var warned = new HashSet<string>(StringComparer.Ordinal);
        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNo = i + 1;
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#' || line[0] == ';')
                continue;
            if (line.StartsWith('<'))
            {
                if (!line.EndsWith('>') || line.StartsWith("</", StringComparison.Ordinal))
                    throw Error(lineNo, $"unexpected '{line}'");
                string tag = line[1..^1];
                var body = new StringBuilder();
                int j = i + 1;
                for (; j < lines.Length && lines[j].Trim() != "</" + tag + ">"; j++)
                    body.Append(lines[j]).Append('\n');
                if (j == lines.Length)
                    throw Error(lineNo, $"<{tag}> is not closed by </{tag}>");
                i = j;
                SetInline(c, tag, body.ToString(), lineNo);
                continue;
            }
            var args = Split(line, lineNo);
            string name = args[0].StartsWith("--", StringComparison.Ordinal) ? args[0][2..] : args[0];
            switch (name)
            {
                case "client": client = true; pull = true; tlsClient = true; Expect(args, 0, 0, lineNo); break;
                case "pull": pull = true; Expect(args, 0, 0, lineNo); break;
                case "tls-client": tlsClient = true; Expect(args, 0, 0, lineNo); break;
                case "remote":
                    Expect(args, 1, 3, lineNo);
                    int? port = args.Count > 2 ? ParsePort(args[2], lineNo) : null;
                    TransportProto? proto = args.Count > 3 ? ParseProto(args[3], lineNo) : null;
                    c.Remotes.Add((args[1], port ?? -1, proto));
                    break;
                case "proto": Expect(args, 1, 1, lineNo); c.Proto = ParseProto(args[1], lineNo); break;
                case "port": case "rport": Expect(args, 1, 1, lineNo); c.Port = ParsePort(args[1], lineNo); break;
                case "dev":
                    Expect(args, 1, 1, lineNo);
                    if (args[1].StartsWith("tap", StringComparison.Ordinal))
                        throw Error(lineNo, "'dev tap' is not supported: the DCO device is a layer 3 (tun) adapter");
                    c.Dev = args[1];
                    break;
                case "dev-type":
                    Expect(args, 1, 1, lineNo);
                    if (args[1] != "tun")
                        throw Error(lineNo, $"'dev-type {args[1]}' is not supported (only tun)");
                    break;
                case "topology": Expect(args, 1, 1, lineNo); break; // pushed by the server; a local value only matters to servers
                case "ca": Expect(args, 1, 1, lineNo); c.Ca = ReadFileArg(args[1], baseDirectory, lineNo); break;
                case "cert": Expect(args, 1, 1, lineNo); c.Cert = ReadFileArg(args[1], baseDirectory, lineNo); break;
                case "key": Expect(args, 1, 1, lineNo); c.Key = ReadFileArg(args[1], baseDirectory, lineNo); break;
                case "tls-crypt": Expect(args, 1, 1, lineNo); c.TlsCrypt = ReadFileArg(args[1], baseDirectory, lineNo); break;
                case "tls-crypt-v2": Expect(args, 1, 1, lineNo); c.TlsCryptV2 = ReadFileArg(args[1], baseDirectory, lineNo); break;
                case "tls-auth":
                    Expect(args, 1, 2, lineNo);
                    c.TlsAuth = ReadFileArg(args[1], baseDirectory, lineNo);
                    if (args.Count > 2)
                        c.KeyDirection = ParseDirection(args[2], lineNo);
                    break;
                case "key-direction": Expect(args, 1, 1, lineNo); c.KeyDirection = ParseDirection(args[1], lineNo); break;
                case "auth":
                    Expect(args, 1, 1, lineNo);
                    c.Auth = args[1].ToUpperInvariant() switch
                    {
                        "SHA1" or "SHA256" or "SHA512" => args[1].ToUpperInvariant(),
                        _ => throw Error(lineNo, $"'auth {args[1]}' is not supported (SHA1, SHA256, SHA512)"),
                    };
                    break;
                case "data-ciphers":
                case "ncp-ciphers":
                    Expect(args, 1, 1, lineNo);
                    c.DataCiphers.Clear();
                    foreach (var cipher in args[1].Split(':', StringSplitOptions.RemoveEmptyEntries))
                    {
                        string u = cipher.ToUpperInvariant();
                        if (u is not ("AES-256-GCM" or "AES-128-GCM" or "AES-192-GCM" or "CHACHA20-POLY1305"))
                            throw Error(lineNo, $"data cipher '{cipher}' is not supported by the DCO device (AES-128/192/256-GCM, CHACHA20-POLY1305)");
                        c.DataCiphers.Add(u);
                    }
                    if (c.DataCiphers.Count == 0)
                        throw Error(lineNo, "data-ciphers is empty");
                    break;
                case "data-ciphers-fallback":
                case "cipher":
                    Expect(args, 1, 1, lineNo);
                    if (!args[1].EndsWith("GCM", StringComparison.OrdinalIgnoreCase) && !args[1].Equals("CHACHA20-POLY1305", StringComparison.OrdinalIgnoreCase))
                        throw Error(lineNo, $"'{name} {args[1]}' is not supported: the DCO device only does AEAD ciphers");
                    Warn(c, warned, name, lineNo, "ignored: the cipher is negotiated (data-ciphers)");
                    break;
                case "verify-x509-name":
                    Expect(args, 1, 2, lineNo);
                    var type = args.Count > 2 ? args[2] switch
                    {
                        "subject" => X509NameType.Subject,
                        "name" => X509NameType.Name,
                        "name-prefix" => X509NameType.NamePrefix,
                        _ => throw Error(lineNo, $"verify-x509-name type '{args[2]}' is not one of subject, name, name-prefix"),
                    } : X509NameType.Subject;
                    c.VerifyX509Name = (type, args[1]);
                    break;
                case "remote-cert-tls":
                    Expect(args, 1, 1, lineNo);
                    if (args[1] != "server")
                        throw Error(lineNo, $"'remote-cert-tls {args[1]}' is not supported for a client (use server)");
                    c.RemoteCertTlsServer = true;
                    break;
                case "ping": Expect(args, 1, 1, lineNo); c.Ping = ParseInt(args[1], 0, 86400, lineNo); break;
                case "ping-restart": Expect(args, 1, 1, lineNo); c.PingRestart = ParseInt(args[1], 0, 86400, lineNo); break;
                case "keepalive":
                    Expect(args, 2, 2, lineNo);
                    c.Ping = ParseInt(args[1], 0, 86400, lineNo);
                    c.PingRestart = ParseInt(args[2], 0, 86400, lineNo);
                    break;
                case "reneg-sec": Expect(args, 1, 2, lineNo); c.RenegSec = ParseInt(args[1], 0, int.MaxValue, lineNo); break;
                case "connect-retry":
                    Expect(args, 1, 2, lineNo);
                    c.ConnectRetry = ParseInt(args[1], 0, 86400, lineNo);
                    if (args.Count > 2)
                        c.ConnectRetryMaxDelay = ParseInt(args[2], 1, 86400, lineNo);
                    break;
                case "connect-retry-max": Expect(args, 1, 1, lineNo); c.ConnectAttempts = ParseInt(args[1], 1, int.MaxValue, lineNo); break;
                case "hand-window": Expect(args, 1, 1, lineNo); c.HandWindow = ParseInt(args[1], 1, 3600, lineNo); break;
                case "auth-user-pass":
                    Expect(args, 0, 1, lineNo);
                    if (args.Count == 1)
                        throw Error(lineNo, "auth-user-pass needs a file (interactive prompts are not supported)");
                    var up = ReadFileArg(args[1], baseDirectory, lineNo).Replace("\r", "", StringComparison.Ordinal).Split('\n');
                    if (up.Length < 2 || up[0].Length == 0)
                        throw Error(lineNo, "the auth-user-pass file needs a user name line and a password line");
                    c.AuthUserPass = (up[0], up[1]);
                    break;
                case "tls-version-min":
                    Expect(args, 1, 2, lineNo);
                    if (args[1] is not ("1.2" or "1.3"))
                        throw Error(lineNo, $"tls-version-min {args[1]} is not supported (1.2 or 1.3)");
                    c.TlsVersionMin = args[1];
                    break;
                case "tls-version-max":
                    Expect(args, 1, 1, lineNo);
                    if (args[1] is not ("1.2" or "1.3"))
                        throw Error(lineNo, $"tls-version-max {args[1]} is not supported (1.2 or 1.3)");
                    c.TlsVersionMax = args[1];
                    break;
                case "verb": Expect(args, 1, 1, lineNo); c.Verbosity = ParseInt(args[1], 0, 11, lineNo); break;
                default:
                    if (Ignored.Contains(name))
                    {
                        Warn(c, warned, name, lineNo, "ignored by ovpn-dco-client");
                        break;
                    }
                    throw Error(lineNo, $"option '{name}' is not supported by ovpn-dco-client and may change security or routing: refusing to connect");
            }
        }
        if (!client && !(pull && tlsClient))
            throw new ClientException("the config is not a client config: add 'client' (or 'pull' and 'tls-client')");
        if (c.Remotes.Count == 0)
            throw new ClientException("the config has no 'remote'");
        if (c.Ca is null)
            throw new ClientException("the config has no 'ca': the server could not be verified");
        if ((c.Cert is null) != (c.Key is null))
            throw new ClientException("'cert' and 'key' go together");
        if (c.Cert is null)
            throw new ClientException("the config has no 'cert'/'key' (client certificates are required)");
        if ((c.TlsCrypt is not null ? 1 : 0) + (c.TlsAuth is not null ? 1 : 0) + (c.TlsCryptV2 is not null ? 1 : 0) > 1)
            throw new ClientException("'tls-crypt', 'tls-crypt-v2' and 'tls-auth' are exclusive");
        if (c.TlsAuth is not null && c.KeyDirection is null)
            c.Warnings.Add("tls-auth without key-direction: using bidirectional keys (as OpenVPN does)");
        for (int r = 0; r < c.Remotes.Count; r++)
        {
            var (host, port, proto) = c.Remotes[r];
            c.Remotes[r] = (host, port < 0 ? c.Port : port, proto ?? c.Proto);
        }
        return c;
    }

    private static void SetInline(ClientConfig c, string tag, string body, int lineNo)
    {
        switch (tag)
        {
            case "ca": c.Ca = body; break;
            case "cert": c.Cert = body; break;
            case "key": c.Key = body; break;
            case "tls-crypt": c.TlsCrypt = body; break;
            case "tls-auth": c.TlsAuth = body; break;
            case "tls-crypt-v2": c.TlsCryptV2 = body; break;
            case "auth-user-pass":
                var up = body.Replace("\r", "", StringComparison.Ordinal).Split('\n');
                if (up.Length < 2 || up[0].Length == 0)
                    throw Error(lineNo, "<auth-user-pass> needs a user name line and a password line");
                c.AuthUserPass = (up[0], up[1]);
                break;
            default:
                throw Error(lineNo, $"inline <{tag}> is not supported by ovpn-dco-client: refusing to connect");
        }
    }

    private static string ReadFileArg(string arg, string baseDirectory, int lineNo)
    {
        if (arg == "[inline]")
            return string.Empty; // the block follows
        string path = Path.IsPathRooted(arg) ? arg : Path.Combine(baseDirectory, arg);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error(lineNo, $"cannot read '{arg}': {e.Message}");
        }
    }

    private static void Warn(ClientConfig c, HashSet<string> warned, string name, int lineNo, string what)
    {
        if (warned.Add(name))
            c.Warnings.Add($"line {lineNo}: '{name}' {what}");
    }

    /// <summary>OpenVPN's tokenizer, simplified: whitespace-separated, "double quotes" and 'single quotes' group, \ escapes in double quotes.</summary>
    internal static List<string> Split(string line, int lineNo)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        bool inToken = false;
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quote != '\0')
            {
                if (ch == quote)
                    quote = '\0';
                else if (ch == '\\' && quote == '"' && i + 1 < line.Length)
                    current.Append(line[++i]);
                else
                    current.Append(ch);
                continue;
            }
            if (ch == '"' || ch == '\'')
            {
                quote = ch;
                inToken = true;
            }
            else if (char.IsWhiteSpace(ch))
            {
                if (inToken)
                    result.Add(current.ToString());
                current.Clear();
                inToken = false;
            }
            else if ((ch == '#' || ch == ';') && !inToken)
            {
                break;
            }
            else
            {
                current.Append(ch);
                inToken = true;
            }
        }
        if (quote != '\0')
            throw Error(lineNo, "unterminated quote");
        if (inToken)
            result.Add(current.ToString());
        return result;
    }

    private static void Expect(List<string> args, int min, int max, int lineNo)
    {
        int n = args.Count - 1;
        if (n < min || n > max)
            throw Error(lineNo, min == max ? $"'{args[0]}' takes {min} argument{(min == 1 ? "" : "s")}" : $"'{args[0]}' takes {min} to {max} arguments");
    }

    private static TransportProto ParseProto(string s, int lineNo) => s switch
    {
        "udp" or "udp4" or "udp6" => TransportProto.Udp,
        "tcp" or "tcp-client" or "tcp4" or "tcp6" or "tcp4-client" or "tcp6-client" => TransportProto.Tcp,
        _ => throw Error(lineNo, $"proto '{s}' is not supported (udp, tcp, tcp-client)"),
    };

    private static int ParsePort(string s, int lineNo) => ParseInt(s, 1, 65535, lineNo);

    private static int ParseDirection(string s, int lineNo) => s switch
    {
        "0" => 0,
        "1" => 1,
        _ => throw Error(lineNo, $"key direction must be 0 or 1, not '{s}'"),
    };

    private static int ParseInt(string s, int min, int max, int lineNo)
    {
        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw Error(lineNo, $"'{s}' is not a number in {min}..{max}");
        return v;
    }

    private static ClientException Error(int lineNo, string message) => new($"config line {lineNo}: {message}");
}
