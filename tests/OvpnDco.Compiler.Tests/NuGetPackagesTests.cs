using System;
using System.IO;
using System.Linq;
using NUnit.Framework;
using OvpnDco.TestSupport;

namespace OvpnDco.Compiler.Tests;

/// <summary>
/// The compiler as a framework for other drivers: OvpnDco.Runtime, OvpnDco.Analyzers, OvpnDco.Generators and OvpnDco.Il2c
/// are packed into a local feed, and a project outside this repository that references only those packages (no
/// other source: the feed is the only one) gets the analyzers' errors, the generators' code and its C from `dotnet build`.
/// </summary>
public class NuGetPackagesTests
{
    private const string Version = "0.1.0-localfeed";

    private static readonly string[] Packed =
    {
        "runtime-kernel/OvpnDco.Runtime/OvpnDco.Runtime.csproj",
        "compiler/OvpnDco.Analyzers/OvpnDco.Analyzers.csproj",
        "compiler/OvpnDco.Generators/OvpnDco.Generators.csproj",
        "compiler/OvpnDco.Il2c/OvpnDco.Il2c.csproj",
    };

    // The configuration this test assembly was built in: the projects to pack were built in the same one.
    private static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";

    private const string Consumer = $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>disable</ImplicitUsings>
            <Nullable>enable</Nullable>
            <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
            <OvpnIl2cTarget>hosted</OvpnIl2cTarget>
            <OvpnIl2cModule>echo</OvpnIl2cModule>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="OvpnDco.Runtime" Version="{Version}" />
            <PackageReference Include="OvpnDco.Analyzers" Version="{Version}" PrivateAssets="all" />
            <PackageReference Include="OvpnDco.Generators" Version="{Version}" PrivateAssets="all" />
            <PackageReference Include="OvpnDco.Il2c" Version="{Version}" PrivateAssets="all" />
          </ItemGroup>
        </Project>
        """;

    private const string Echo = """
        using OvpnDco.Runtime;

        namespace Echo;

        [KernelCode]
        public static class Echo
        {
            /// <summary>Returns the byte it is given, plus one.</summary>
            [Export("echo_next")]
            public static int Next(int value)
            {
                EchoTrace.Echoed(value);
                return value + 1;
            }
        }

        [TraceProvider("Example.Echo", "8a3f2f4e-6b0c-4d5e-9f10-1a2b3c4d5e6f", Prefix = "echo_trace")]
        public static partial class EchoTrace
        {
            [TraceEvent(TraceEventLevel.Verbose)]
            internal static partial void Echoed(int value);
        }
        """;

    // A managed lock in kernel code: OVD0008 from the analyzers package must fail the build.
    private const string Locking = """
        using OvpnDco.Runtime;

        namespace Echo;

        [KernelCode]
        public static class Locking
        {
            private static readonly object Gate = new();

            public static void Touch()
            {
                lock (Gate)
                {
                }
            }
        }
        """;

    [Test]
    public void APackagedDriverProjectGetsAnalyzersGeneratorsAndItsC()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ovpndco-nuget-{Environment.ProcessId}");
        if (Directory.Exists(dir))
            Directory.Delete(dir, true);
        var feed = Path.Combine(dir, "feed");
        var app = Path.Combine(dir, "app");
        Directory.CreateDirectory(feed);
        Directory.CreateDirectory(app);
        foreach (var project in Packed)
        {
            var pack = NativeToolchain.Run($"dotnet pack {NativeToolchain.Quote(Path.Combine(NativeToolchain.RepoRoot, project))} -c {Configuration} " +
                $"--no-build -nologo -p:PackageVersion={Version} -o {NativeToolchain.Quote(feed)}", NativeToolchain.RepoRoot, 300_000);
            Assert.That(pack.ExitCode, Is.EqualTo(0), project + ": " + pack.Stdout + pack.Stderr);
        }
        Assert.That(Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "OvpnDco.Runtime", "OvpnDco.Analyzers", "OvpnDco.Generators", "OvpnDco.Il2c" }.Select(p => $"{p}.{Version}.nupkg")));

        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Echo.csproj"), Consumer);
        File.WriteAllText(Path.Combine(app, "Echo.cs"), Echo);
        // A package cache of its own: never a stale copy of an earlier run's packages of the same version.
        var cache = $"NUGET_PACKAGES={NativeToolchain.Quote(Path.Combine(dir, "packages"))}";

        var build = NativeToolchain.Run($"env {cache} dotnet build -nologo -c Release", app, 600_000);
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Stdout + build.Stderr);
        var output = Path.Combine(app, "out", "hosted");
        Assert.That(File.Exists(Path.Combine(output, "echo.h")), Is.True, "the build step of OvpnDco.Il2c ran: " + build.Stdout);
        var c = string.Concat(Directory.GetFiles(output, "*.c").Select(File.ReadAllText));
        Assert.That(c, Does.Contain("echo_next(int32_t value)").And.Contain("Returns the byte it is given, plus one."), "the export, with its summary");
        Assert.That(c, Does.Contain("echo_trace_echoed(value)"), "the generators' trace event, called from the C");
        Assert.That(File.Exists(Path.Combine(output, "echo_trace.c")), Is.True, "the trace event's C, written by the compiler");

        File.WriteAllText(Path.Combine(app, "Locking.cs"), Locking);
        var refused = NativeToolchain.Run($"env {cache} dotnet build -nologo -c Release", app, 600_000);
        Assert.That(refused.ExitCode, Is.Not.EqualTo(0), "a lock statement in kernel code must fail the build");
        Assert.That(refused.Stdout, Does.Contain("OVD0008"), "the analyzers package reports it");
    }
}
