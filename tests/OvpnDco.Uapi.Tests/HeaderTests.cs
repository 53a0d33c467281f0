using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using OvpnDco.Uapi.Generated;

namespace OvpnDco.Uapi.Tests;

/// <summary>
/// The generated uapi.h: checked in and up to date, with upstream's names, and — the C side of the three-way
/// check — compiled by clang for x64, x86 and ARM64 (MSVC ABI with the project's win-min headers, GNU ABI with
/// Debian's mingw-w64 headers, C and C++, user and kernel mode) together with a file of assertions typed in from
/// UAPI.md, so every size, alignment, offset, IOCTL code and enum value is checked in C as well.
/// </summary>
public class HeaderTests
{
    private static readonly string Generated = UapiHeader.Text;

    private static string CheckedInPath => Path.Combine(Repo.Root, UapiHeader.RelativePath);

    [Test]
    public void CheckedInHeaderIsUpToDate()
    {
        Assert.That(File.Exists(CheckedInPath), Is.True, $"{UapiHeader.RelativePath} is missing: run ./build.sh");
        byte[] expected = new UTF8Encoding(false).GetBytes(UapiHeader.Text);
        byte[] actual = File.ReadAllBytes(CheckedInPath);
        Assert.That(actual.SequenceEqual(expected), Is.True,
            $"{UapiHeader.RelativePath} is stale (it differs from the header generated from uapi/OvpnDco.Uapi): run ./build.sh and commit it");
    }

    [Test]
    public void HeaderUsesUpstreamNames()
    {
        string header = UapiHeader.Text;
        foreach (var ioctl in UapiFacts.Ioctls)
            Assert.That(header, Does.Contain($"#define {ioctl.CName} CTL_CODE(FILE_DEVICE_UNKNOWN, {ioctl.Function}, METHOD_BUFFERED, FILE_ANY_ACCESS)\n"));
        foreach (var s in UapiFacts.Structs)
            Assert.That(header, Does.Contain($"}} {s.CName}, *P{s.CName};\n"));
        foreach (var (name, _) in UapiFacts.EnumConstants)
            Assert.That(header, Does.Match($@"\b{name}\b"));
        Assert.That(header, Does.Not.Match("(?m)^#pragma pack"), "upstream uses default alignment");
        Assert.That(header, Does.Not.Contain("\r"), "LF line ends");
    }

    /// <summary>A C/C++ file of assertions from UAPI.md (not from the generator) plus code that uses upstream's names.</summary>
    internal static string FactsSource(Func<string, string>? tamper = null)
    {
        var sb = new StringBuilder();
        sb.Append("""
            #if defined(__cplusplus)
            #define FACT(e) static_assert(e, #e)
            #define FACT_ALIGNOF(t) alignof(t)
            #elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
            #define FACT(e) _Static_assert(e, #e)
            #define FACT_ALIGNOF(t) _Alignof(t)
            #else
            #define FACT_CAT_(a, b) a##b
            #define FACT_CAT(a, b) FACT_CAT_(a, b)
            #define FACT(e) typedef char FACT_CAT(fact_, __LINE__)[(e) ? 1 : -1]
            #define FACT_ALIGNOF(t) __alignof(t)
            #endif
            #define FACT_FIELD_SIZE(t, f) sizeof(((t *)0)->f)

            """);
        foreach (var s in UapiFacts.Structs.Concat(UapiFacts.PlatformTypes))
        {
            sb.Append(CultureInfo.InvariantCulture, $"FACT(sizeof({s.CName}) == {s.Size});\n");
            sb.Append(CultureInfo.InvariantCulture, $"FACT(FACT_ALIGNOF({s.CName}) == {s.Alignment});\n");
            foreach (var f in s.Fields)
            {
                sb.Append(CultureInfo.InvariantCulture, $"FACT(offsetof({s.CName}, {f.CName}) == {f.Offset});\n");
                sb.Append(CultureInfo.InvariantCulture, $"FACT(FACT_FIELD_SIZE({s.CName}, {f.CName}) == {f.Size});\n");
            }
        }
        foreach (var i in UapiFacts.Ioctls)
        {
            sb.Append(CultureInfo.InvariantCulture, $"FACT({i.CName} == 0x{i.Code:X8});\n");
            sb.Append(CultureInfo.InvariantCulture, $"FACT({i.CName} == CTL_CODE(0x22, {i.Function}, 0, 0));\n");
        }
        foreach (var (name, value) in UapiFacts.EnumConstants)
            sb.Append(CultureInfo.InvariantCulture, $"FACT({name} == {value});\n");
        foreach (var (cName, _) in UapiFacts.EnumTypes)
            sb.Append(CultureInfo.InvariantCulture, $"FACT(sizeof({cName}) == 4);\n");
        sb.Append("FACT(AF_INET == 2);\nFACT(AF_INET6 == 23);\n");
        sb.Append("""

            /* Source compatibility: code written against upstream's names compiles. */
            int ovpn_dco_uses_upstream_names(void);
            int ovpn_dco_uses_upstream_names(void)
            {
                OVPN_NEW_PEER peer;
                OVPN_CRYPTO_DATA_V2 key;
                OVPN_MP_NEW_PEER mp;
                OVPN_MP_IROUTE route;
                OVPN_NOTIFY_EVENT ev;
                OVPN_STATS stats;
                POVPN_STATS pstats = &stats;
                OVPN_SET_MODE mode;
                OVPN_MP_START_VPN listen;
                unsigned long code = OVPN_IOCTL_NEW_KEY_V2;
                peer.Local.Addr4.sin_family = AF_INET;
                peer.Remote.Addr6.sin6_family = AF_INET6;
                peer.Remote.Addr6.sin6_scope_id = 3;
                peer.Proto = OVPN_PROTO_TCP;
                key.V1.Encrypt.Key[0] = 1;
                key.V1.Encrypt.KeyLen = 32;
                key.V1.Decrypt.NonceTail[7] = 2;
                key.V1.KeySlot = OVPN_KEY_SLOT_PRIMARY;
                key.V1.CipherAlg = OVPN_CIPHER_ALG_CHACHA20_POLY1305;
                key.V1.KeyId = 7;
                key.V1.PeerId = -1;
                key.CryptoOptions = CRYPTO_OPTIONS_EPOCH;
                mp.VpnAddr4 = peer.Local.Addr4.sin_addr;
                mp.VpnAddr6 = peer.Remote.Addr6.sin6_addr;
                mp.PeerId = 1;
                route.Addr.Addr6 = mp.VpnAddr6;
                route.Addr.Addr4 = mp.VpnAddr4;
                route.Netbits = 24;
                route.IPv6 = 0;
                ev.Cmd = OVPN_CMD_FLOAT_PEER;
                ev.DelPeerReason = OVPN_DEL_PEER_REASON_EXPIRED;
                ev.FloatAddress.ss_family = AF_INET6;
                pstats->TunBytesReceived = 1;
                mode.Mode = OVPN_MODE_MP;
                listen.IPv6Only = 1;
                return (int)(code & 0xFF) + peer.Proto + key.V1.KeyId + (int)pstats->TunBytesReceived + mode.Mode + listen.IPv6Only
                    + ev.Cmd + route.Netbits + mp.PeerId;
            }

            """);
        string text = sb.ToString().Replace("\r\n", "\n");
        return tamper is null ? text : tamper(text);
    }

    public sealed record Target(string Name, string Triple, string Language, bool Kernel, bool Mingw)
    {
        public override string ToString() => Name;
    }

    private static IEnumerable<Target> Targets()
    {
        foreach (var triple in new[] { "x86_64-pc-windows-msvc", "i686-pc-windows-msvc", "aarch64-pc-windows-msvc" })
        {
            yield return new Target($"{triple} C11", triple, "c11", false, false);
            yield return new Target($"{triple} C99 (no _Static_assert)", triple, "c99", false, false);
            yield return new Target($"{triple} C++17", triple, "c++17", false, false);
            yield return new Target($"{triple} kernel mode", triple, "c11", true, false);
        }
        foreach (var triple in new[] { "x86_64-w64-windows-gnu", "i686-w64-windows-gnu", "aarch64-w64-windows-gnu" })
        {
            yield return new Target($"{triple} C11 mingw-w64", triple, "c11", false, true);
            yield return new Target($"{triple} C++17 mingw-w64", triple, "c++17", false, true);
        }
    }

    internal static (int ExitCode, string Errors) Compile(Target target, string includeDir, string source)
    {
        string dir = Repo.ScratchDirectory();
        try
        {
            bool cxx = target.Language.StartsWith("c++", StringComparison.Ordinal);
            string file = Path.Combine(dir, cxx ? "facts.cpp" : "facts.c");
            string prelude = target.Kernel ? "#include <wdm.h>\n" : string.Empty;
            File.WriteAllText(file, prelude + "#include <ovpn-dco/uapi.h>\n" + source);
            var args = new List<string>
            {
                "--target=" + target.Triple, "-std=" + target.Language, "-fsyntax-only", "-Werror", "-Wall", "-Wextra",
                "-I", includeDir,
            };
            if (!cxx)
                args.Add("-pedantic");
            if (target.Kernel)
                args.Add("-D_KERNEL_MODE");
            if (target.Mingw)
            {
                Assert.That(Directory.Exists(Repo.MingwInclude), Is.True, "mingw-w64 headers missing: scripts/install-deps.sh installs them");
                args.AddRange(new[] { "-isystem", Repo.MingwInclude });
            }
            else
            {
                args.AddRange(new[] { "-isystem", Repo.WinMinDir });
            }
            args.Add(file);
            return Repo.Clang(args);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestCaseSource(nameof(Targets))]
    public void HeaderCompilesAndMatchesUapiFacts(Target target)
    {
        var (exitCode, errors) = Compile(target, Repo.IncludeDir, FactsSource());
        Assert.That(exitCode, Is.EqualTo(0), errors);
        Assert.That(errors, Is.Empty);
    }

    [TestCaseSource(nameof(Targets))]
    public void GeneratedTextCompiles(Target target)
    {
        // The in-memory generated text (not the checked-in copy) passes too.
        string dir = Repo.ScratchDirectory();
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "ovpn-dco"));
            File.WriteAllText(Path.Combine(dir, "ovpn-dco", "uapi.h"), UapiHeader.Text);
            var (exitCode, errors) = Compile(target, dir, "int ovpn_dco_empty(void);\n");
            Assert.That(exitCode, Is.EqualTo(0), errors);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static readonly Target X64 = new("x64", "x86_64-pc-windows-msvc", "c11", false, false);
    private static readonly Target X86 = new("x86", "i686-pc-windows-msvc", "c99", false, false);

    [Test]
    public void AWrongFactFailsToCompile()
    {
        // Proves the C check can fail: one offset off by one.
        var (exitCode, errors) = Compile(X64, Repo.IncludeDir,
            FactsSource(s => s.Replace("offsetof(OVPN_CRYPTO_DATA, PeerId) == 96", "offsetof(OVPN_CRYPTO_DATA, PeerId) == 95")));
        Assert.That(exitCode, Is.Not.EqualTo(0));
        Assert.That(errors, Does.Contain("PeerId"));
    }

    [TestCase("    UCHAR KeyId;\n", "", "OVPN_CRYPTO_DATA")]
    [TestCase("    LONG64 TransportBytesSent;\n", "    LONG TransportBytesSent;\n", "OVPN_STATS")]
    [TestCase("    SOCKADDR_STORAGE FloatAddress;\n", "    SOCKADDR_IN6 FloatAddress;\n", "OVPN_NOTIFY_EVENT")]
    public void ATamperedHeaderFailsItsOwnAssertions(string from, string to, string expectedInError)
    {
        // Proves the header's own _Static_asserts catch a layout that drifted from the C# definitions.
        Assert.That(Generated, Does.Contain(from));
        foreach (var target in new[] { X64, X86 })
        {
            string dir = Repo.ScratchDirectory();
            try
            {
                Directory.CreateDirectory(Path.Combine(dir, "ovpn-dco"));
                File.WriteAllText(Path.Combine(dir, "ovpn-dco", "uapi.h"), UapiHeader.Text.Replace(from, to));
                var (exitCode, errors) = Compile(target, dir, "int ovpn_dco_empty(void);\n");
                Assert.That(exitCode, Is.Not.EqualTo(0), target.Name);
                Assert.That(errors, Does.Contain(expectedInError), target.Name);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
