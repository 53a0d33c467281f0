using System;
using System.IO;
using System.Linq;
using System.Threading;
using NUnit.Framework;
using OvpnDco.TestSupport;

namespace OvpnDco.Compiler.Tests;

/// <summary>
/// compiler/OvpnDco.Il2c/build/OvpnDco.Il2c.targets: a project that sets OvpnIl2cTarget gets its C from `dotnet
/// build`, and a build with nothing changed does not run the compiler again.
/// </summary>
public class MsBuildTargetsTests
{
    private static string Bin => AppContext.BaseDirectory;

    private static string Project(string targets) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>disable</ImplicitUsings>
            <Nullable>disable</Nullable>
            <OvpnIl2cTarget>hosted</OvpnIl2cTarget>
            <OvpnIl2cModule>pinger</OvpnIl2cModule>
            <OvpnIl2cTool>{Path.Combine(Bin, "ovpn-il2c.dll")}</OvpnIl2cTool>
          </PropertyGroup>
          <ItemGroup>
            <Reference Include="OvpnDco.Runtime" HintPath="{Path.Combine(Bin, "OvpnDco.Runtime.dll")}" />
          </ItemGroup>
          <Import Project="{targets}" />
        </Project>
        """;

    private static string Source(int k) => $$"""
        using OvpnDco.Runtime;

        namespace Pinger;

        [KernelCode]
        public static class Ping
        {
            [Export("ping_add")]
            public static int Add(int a) => a + {{k}};
        }
        """;

    [Test]
    public void DotnetBuildWritesTheCAndSkipsTheCompilerWhenNothingChanged()
    {
        var targets = Path.Combine(NativeToolchain.RepoRoot, "compiler", "OvpnDco.Il2c", "build", "OvpnDco.Il2c.targets");
        var dir = Path.Combine(Path.GetTempPath(), $"ovpndco-msbuild-{Environment.ProcessId}");
        if (Directory.Exists(dir))
            Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Pinger.csproj"), Project(targets));
        File.WriteAllText(Path.Combine(dir, "Ping.cs"), Source(7));
        var c = Path.Combine(dir, "out", "hosted", "ping.c");

        var first = Build(dir);
        Assert.That(File.Exists(c), Is.True, first);
        Assert.That(File.ReadAllText(c), Does.Contain("a + 7"));
        Assert.That(File.Exists(Path.Combine(dir, "out", "hosted", "pinger.h")), Is.True);
        var written = File.GetLastWriteTimeUtc(c);

        Thread.Sleep(1100); // file times: a rewrite would show
        var second = Build(dir);
        Assert.That(File.GetLastWriteTimeUtc(c), Is.EqualTo(written), "nothing changed: the compiler did not run");
        Assert.That(second, Does.Contain("Skipping target \"OvpnIl2cCompile\""));

        File.WriteAllText(Path.Combine(dir, "Ping.cs"), Source(9));
        var third = Build(dir);
        Assert.That(File.ReadAllText(c), Does.Contain("a + 9"), third);
    }

    private static string Build(string dir)
    {
        var r = NativeToolchain.Run("dotnet build -nologo -v:d -clp:NoSummary", dir, 300_000);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stdout + r.Stderr);
        return r.Stdout;
    }
}
