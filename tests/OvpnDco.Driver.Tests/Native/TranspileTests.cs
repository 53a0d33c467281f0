using System.Linq;
using System.Diagnostics;
using System.IO;

namespace OvpnDco.Driver.Tests.Native;

/// <summary>
/// The driver core stays inside what ovpn-il2c compiles: every entry point of Driver&lt;StubPlatform&gt; is transpiled
/// and the C compiles with gcc -std=c11 -Wall -Wextra -Werror (hosted) and clang-14 for the MSVC kernel dialect.
/// </summary>
public class TranspileTests
{
    private static (int ExitCode, string Output) Run(string file, params string[] arguments) =>
        OvpnDco.TestSupport.NativeToolchain.Exec(file, arguments, 180_000);

    [TestCase("hosted")]
    [TestCase("kernel")]
    public void DriverCoreTranspilesAndCompiles(string target)
    {
        string root = Reference.RepoRoot();
        string configuration = new DirectoryInfo(TestContext.CurrentContext.TestDirectory).Parent!.Name;
        string il2c = Path.Combine(root, "compiler", "OvpnDco.Il2c", "bin", configuration, "net10.0", "ovpn-il2c.dll");
        Assert.That(File.Exists(il2c), Is.True, $"{il2c} is not built");
        string dir = Path.Combine(Path.GetTempPath(), "ovpn-driver-transpile-" + System.Guid.NewGuid().ToString("N"));
        try
        {
            string outDir = Path.Combine(dir, "out");
            var (rc, output) = Run("dotnet", il2c, "compile", typeof(TranspileRoot).Assembly.Location, "--out", outDir,
                "--target", target, "--module", "driver_core", "--entry", "OvpnDco.Driver.Tests.Native.TranspileRoot::Entry");
            Assert.That(rc, Is.EqualTo(0), output);
            // one .c per C# source file, beside driver_core.h and driver_core_internal.h
            string[] cFiles = Directory.GetFiles(outDir, "*.c").OrderBy(f => f, System.StringComparer.Ordinal).ToArray();
            Assert.That(cFiles.Select(Path.GetFileName), Does.Contain("io.c").And.Contain("crypto_aead.c"));
            string source = string.Concat(cFiles.Select(File.ReadAllText));
            Assert.That(source, Does.Contain("ReceivePacket").And.Contain("DispatchIoctl").And.Contain("Seal"));
            // The trace events are calls of the generated C, which the compiler wrote next to the output.
            Assert.That(source, Does.Contain("ovpn_trace_register()").And.Contain("ovpn_trace_unregister();")
                .And.Contain("ovpn_trace_peer_keepalive_expired(p->PeerId, p->KeepaliveTimeout);"));
            Assert.That(File.ReadAllText(Path.Combine(outDir, "ovpn_trace.c")), Does.Contain("TRACELOGGING_DEFINE_PROVIDER(g_ovpn_trace_provider, \"OpenVPN.OvpnDCO\""));
            string include = Path.Combine(root, "runtime-kernel", "include");
            // The C asserts the C# layout of every struct (size and each field offset); the numbers must be .NET's,
            // since the native suite reads DriverState, Peer and KeySlot of libovpndco through the C# structs.
            var (mismatches, checkedTypes) = OvpnDco.TestSupport.LayoutAsserts.CompareWithDotNet(
                File.ReadAllText(Path.Combine(outDir, "driver_core.h")),
                new[] { typeof(DriverState).Assembly, typeof(OvpnDco.Uapi.OvpnStats).Assembly, typeof(TranspileRoot).Assembly });
            Assert.That(mismatches, Is.Empty);
            Assert.That(checkedTypes, Is.SupersetOf(new[]
            {
                "OvpnDco.Driver.DriverState", "OvpnDco.Driver.Peer", "OvpnDco.Driver.KeySlot", "OvpnDco.Driver.DriverStats",
                "OvpnDco.Driver.PeerTable", "OvpnDco.Driver.TableEntry", "OvpnDco.Uapi.OvpnStats",
            }));
            if (target == "hosted")
            {
                foreach (var c in cFiles)
                {
                    (rc, output) = Run("gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-I", include, "-I", outDir, "-c", c,
                        "-o", Path.Combine(dir, Path.GetFileNameWithoutExtension(c) + ".o"));
                    if (rc != 0)
                        break;
                }
            }
            else
            {
                // The probe's own root is a static inline function nobody calls: allow exactly that warning.
                (rc, output) = Run("clang-14", new[] { "--target=x86_64-pc-windows-msvc", "-ffreestanding", "-fsyntax-only", "-std=c11",
                    "-Wall", "-Wextra", "-Werror", "-Wno-unused-function", "-DOVPN_RT_KERNEL", "-I", include, "-I", outDir }.Concat(cFiles).ToArray());
            }
            Assert.That(rc, Is.EqualTo(0), output);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }
}
