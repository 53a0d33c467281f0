using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using OvpnDco.Generators.Tracing;

namespace OvpnDco.Generators.Tests;

/// <summary>
/// Trace events declared in C# ([TraceProvider]/[TraceEvent]): the generated C# binds each event to its C function
/// and formats the same line as the hosted C sink prints; the generated C compiles against the WDK's real
/// TraceLoggingProvider.h (../shared/tools/wdk-cc, all three architectures) and, hosted, prints that line.
/// </summary>
public class TraceEventGeneratorTests
{
    private const string Source = """
        using OvpnDco.Runtime;

        namespace Sample
        {
            [TraceProvider("OpenVPN.OvpnDCO", "4970f9cf-2c0c-4f11-b1cc-e3a1e9958833", Prefix = "sample_trace")]
            public static partial class Events<TSink> where TSink : struct
            {
                public static readonly System.Collections.Generic.List<string> Lines = new();

                [TraceSink]
                private static void Sink(TraceEventLevel level, string line) => Lines.Add(level + "|" + line);

                [TraceEvent(TraceEventLevel.Warning)]
                public static partial void PeerKeepaliveExpired(uint peerId, int timeoutSeconds);

                [TraceEvent(TraceEventLevel.Info)]
                public static partial void TxPacketIdExhausted(int peerId, ulong packetId, long delta, bool rekey, string reason);

                [TraceEvent(TraceEventLevel.Verbose)]
                internal static partial void Tick();
            }
        }
        """;

    private static (Compilation Output, ImmutableDiagnostics Diagnostics) Run(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        var references = LocalReferences.Framework.Add(MetadataReference.CreateFromFile(typeof(OvpnDco.Runtime.TraceEventAttribute).Assembly.Location));
        var compilation = CSharpCompilation.Create("sample", new[] { tree }, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var driver = CSharpGeneratorDriver.Create(new TraceEventGenerator()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (output, new ImmutableDiagnostics(driver.GetRunResult().Diagnostics.Select(d => d.ToString()).ToArray(),
            output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToArray()));
    }

    internal sealed record ImmutableDiagnostics(string[] Generator, string[] Compiler);

    private static Assembly Load(Compilation output)
    {
        using var stream = new MemoryStream();
        var result = output.Emit(stream);
        Assert.That(result.Success, Is.True, string.Join("\n", result.Diagnostics));
        stream.Position = 0;
        return new AssemblyLoadContext("trace-sample", isCollectible: true).LoadFromStream(stream);
    }

    private static Dictionary<string, string> CFiles(Assembly assembly) => assembly.GetCustomAttributesData()
        .Where(a => a.AttributeType.FullName == "OvpnDco.Runtime.CFileAttribute")
        .ToDictionary(a => (string)a.ConstructorArguments[0].Value!, a => (string)a.ConstructorArguments[1].Value!);

    private static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OvpnDco.sln")))
                    return dir.FullName;
            }
            throw new DirectoryNotFoundException("OvpnDco.sln");
        }
    }

    private static (int Code, string Output) Exec(string file, string directory, params string[] arguments)
    {
        var psi = new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit(120_000);
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static string WriteC(string name)
    {
        var (output, diagnostics) = Run(Source);
        Assert.That(diagnostics.Generator.Concat(diagnostics.Compiler), Is.Empty);
        var dir = Path.Combine(Path.GetTempPath(), $"ovpndco-trace-{name}-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        foreach (var (file, text) in CFiles(Load(output)))
            File.WriteAllText(Path.Combine(dir, file), text);
        return dir;
    }

    [Test]
    public void EachEventIsAnImportOfItsCFunctionAndTheCTravelsAsCFiles()
    {
        var (output, diagnostics) = Run(Source);
        Assert.That(diagnostics.Generator.Concat(diagnostics.Compiler), Is.Empty);
        var generated = output.SyntaxTrees.Last().ToString();
        Assert.That(generated, Does.Contain("[global::OvpnDco.Runtime.Import(\"sample_trace_peer_keepalive_expired\", Header = \"sample_trace.h\")]"));
        Assert.That(generated, Does.Contain("internal static partial void Tick()"));
        Assert.That(generated, Does.Contain("[global::OvpnDco.Runtime.Import(\"sample_trace_register\", Header = \"sample_trace.h\"), global::OvpnDco.Runtime.Irql(global::OvpnDco.Runtime.KIrql.Passive)]\n    public static int RegisterProvider() => 0;"));
        Assert.That(generated, Does.Contain("[global::OvpnDco.Runtime.Import(\"sample_trace_unregister\", Header = \"sample_trace.h\"), global::OvpnDco.Runtime.Irql(global::OvpnDco.Runtime.KIrql.Passive)]\n    public static void UnregisterProvider()"));
        var files = CFiles(Load(output));
        Assert.That(files.Keys, Is.EquivalentTo(new[] { "sample_trace.h", "sample_trace.c" }));
        Assert.That(files["sample_trace.h"], Does.Contain("void sample_trace_tx_packet_id_exhausted(int32_t peer_id, uint64_t packet_id, int64_t delta, bool rekey, const char *reason);"));
        Assert.That(files["sample_trace.h"], Does.Contain("int32_t sample_trace_register(void);\nvoid sample_trace_unregister(void);"));
        var c = files["sample_trace.c"];
        Assert.That(c, Does.Contain("TRACELOGGING_DEFINE_PROVIDER(g_sample_trace_provider, \"OpenVPN.OvpnDCO\",\n    (0x4970f9cf, 0x2c0c, 0x4f11, 0xb1, 0xcc, 0xe3, 0xa1, 0xe9, 0x95, 0x88, 0x33));"));
        Assert.That(c, Does.Contain("TraceLoggingWrite(g_sample_trace_provider, \"PeerKeepaliveExpired\",\n        TraceLoggingLevel(3 /* warning */),\n"
            + "        TraceLoggingUInt32(peer_id, \"peerId\"),\n        TraceLoggingInt32(timeout_seconds, \"timeoutSeconds\"));"));
        Assert.That(c, Does.Contain("TraceLoggingUInt64(packet_id, \"packetId\"),\n        TraceLoggingInt64(delta, \"delta\"),\n"
            + "        TraceLoggingBoolean(rekey, \"rekey\"),\n        TraceLoggingString(reason, \"reason\"));"));
        Assert.That(c, Does.Contain("return TraceLoggingRegister(g_sample_trace_provider);"));
        Assert.That(c, Does.Contain("TraceLoggingUnregister(g_sample_trace_provider);"));
    }

    [Test]
    public void UnderDotNetTheSinkGetsTheLevelAndTheLine()
    {
        var (output, _) = Run(Source);
        var type = Load(output).GetType("Sample.Events`1")!.MakeGenericType(typeof(int));
        type.GetMethod("PeerKeepaliveExpired")!.Invoke(null, new object[] { 7u, 60 });
        type.GetMethod("TxPacketIdExhausted")!.Invoke(null, new object[] { -3, 0xEFFFFFFFul, -12L, true, "limit" });
        type.GetMethod("Tick", BindingFlags.NonPublic | BindingFlags.Static)!.Invoke(null, null);
        var lines = (List<string>)type.GetField("Lines")!.GetValue(null)!;
        Assert.That(lines, Is.EqualTo(new[]
        {
            "Warning|PeerKeepaliveExpired peerId=7 timeoutSeconds=60",
            "Info|TxPacketIdExhausted peerId=-3 packetId=4026531839 delta=-12 rekey=true reason=limit",
            "Verbose|Tick",
        }));
    }

    [Test]
    public void TheHostedBuildPrintsTheSameLines()
    {
        var dir = WriteC("hosted");
        File.WriteAllText(Path.Combine(dir, "main.c"), """
            #include "sample_trace.h"
            #include "ovpn_hosted.h"
            int main(void)
            {
                if (ovpn_hosted_trace_open(NULL, OVPN_HOSTED_TRACE_VERBOSE) != 0 || sample_trace_register() != 0)
                    return 2;
                sample_trace_peer_keepalive_expired(7u, 60);
                sample_trace_tx_packet_id_exhausted(-3, 0xEFFFFFFFu, -12, true, "limit");
                sample_trace_tick();
                sample_trace_unregister();
                return 0;
            }
            """);
        var include = Path.Combine(RepoRoot, "runtime-kernel", "include");
        var trace = Path.Combine(RepoRoot, "runtime-kernel", "hosted", "ovpn_hosted_trace.c");
        var build = Exec("gcc", dir, "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", include, "-I", ".", "main.c", "sample_trace.c", trace,
            "-lpthread", "-o", "sample");
        Assert.That(build.Code, Is.EqualTo(0), build.Output);
        var run = Exec(Path.Combine(dir, "sample"), dir);
        Assert.That(run.Code, Is.EqualTo(0), run.Output);
        Assert.That(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "ovpn-dco warning: PeerKeepaliveExpired peerId=7 timeoutSeconds=60",
            "ovpn-dco info: TxPacketIdExhausted peerId=-3 packetId=4026531839 delta=-12 rekey=true reason=limit",
            "ovpn-dco verbose: Tick",
        }));
    }

    [TestCase("x64"), TestCase("x86"), TestCase("arm64")]
    public void TheKernelCCompilesAgainstTheRealTraceLoggingProvider(string arch)
    {
        var wdkCc = Path.Combine(RepoRoot, "..", "shared", "tools", "wdk-cc");
        if (!File.Exists(wdkCc))
            Assert.Ignore("../shared/tools/wdk-cc (the WDK headers) is not beside this clone");
        var dir = WriteC("kernel-" + arch);
        var build = Exec(wdkCc, dir, arch, "-c", "-Wall", "-Werror", "-I", ".", "sample_trace.c", "-o", "sample_trace.obj");
        Assert.That(build.Code, Is.EqualTo(0), build.Output);
        // TraceLogging, not the hosted sink: the object imports ETW and nothing of the hosted runtime.
        var nm = Exec("llvm-nm-14", dir, "sample_trace.obj");
        Assert.That(nm.Output, Does.Contain("EtwWriteTransfer").And.Contain("EtwRegister"));
        Assert.That(nm.Output, Does.Not.Contain("ovpn_hosted"));
        // x86 decorates C names with a leading underscore.
        Assert.That(nm.Output, Does.Match(@"T _?sample_trace_peer_keepalive_expired\b").And.Match(@"T _?sample_trace_register\b"));
    }

    [Test]
    public void WhatCCannotCarryIsReported()
    {
        var (_, diagnostics) = Run("""
            using OvpnDco.Runtime;
            [TraceProvider("OpenVPN.OvpnDCO", "not-a-guid")]
            public static partial class Bad
            {
                [TraceEvent(TraceEventLevel.Info)]
                public static partial void Scaled(System.Guid id);

                [TraceEvent(TraceEventLevel.Info)]
                public static partial void Register();
            }
            """);
        Assert.That(diagnostics.Generator, Has.Some.Contains("OVDG0014").And.Some.Contains("'not-a-guid' is not a GUID"));
        Assert.That(diagnostics.Generator, Has.Some.Contains("field 'id' of 'Scaled' has type 'System.Guid'"));
        Assert.That(diagnostics.Generator, Has.Some.Contains("'Register' (ovpn_trace_register in C) is taken"));
    }
}
