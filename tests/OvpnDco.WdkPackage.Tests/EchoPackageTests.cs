using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using OvpnDco.Compiler;
using OvpnDco.TestSupport;

namespace OvpnDco.WdkPackage.Tests;

/// <summary>
/// The second driver's package (samples/OvpnDco.EchoDriver/wdk assembled by scripts/assemble-echo-wdk.sh, as
/// ./build.sh does into out/samples/echo/wdk): its layout, its INF read as SetupAPI would after stampinf, its project,
/// every file its ClCompile items pick compiled with its include folders and defines against the WDK headers, and
/// the same bytes from two folders.
/// </summary>
public class EchoPackageTests
{
    private static string Props => Path.Combine(Package.RepoRoot, "samples", "OvpnDco.EchoDriver", "wdk");

    private static ProjectFile Project => ProjectFile.Load(Path.Combine(Props, "ovpn-echo.vcxproj"));

    private string _root = "";

    [OneTimeSetUp]
    public void MakeFolder() => _root = Directory.CreateTempSubdirectory("ovpndco-echo-package-").FullName;

    [OneTimeTearDown]
    public void RemoveFolder() => Directory.Delete(_root, recursive: true);

    /// <summary>The echo sample transpiled (ovpn-il2c, kernel target) into name/kernel and assembled into name/wdk.</summary>
    private (string Dir, string Sha256) Build(string name)
    {
        var kernel = Path.Combine(_root, name, "kernel");
        IlToC.WriteOutput(IlToC.Compile(Path.Combine(AppContext.BaseDirectory, "OvpnDco.EchoDriver.dll"),
            new CompilerOptions { Target = Target.Kernel, ModuleName = "echo" }), kernel);
        var wdk = Path.Combine(_root, name, "wdk");
        var script = Path.Combine(Package.RepoRoot, "scripts", "assemble-echo-wdk.sh");
        var result = NativeToolchain.Run(
            $"{NativeToolchain.Quote(script)} --kernel {NativeToolchain.Quote(kernel)} --out {NativeToolchain.Quote(wdk)}");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stdout + result.Stderr);
        var sha = Regex.Match(result.Stdout, "sha256 ([0-9a-f]{64})");
        Assert.That(sha.Success, Is.True, result.Stdout);
        return (wdk, sha.Groups[1].Value);
    }

    private (string Dir, string Sha256)? _built;

    private string Built => (_built ??= Build("a")).Dir;

    [Test]
    public void TheLayoutIsWhatTheProjectNames()
    {
        var files = Directory.GetFiles(Built, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Built, f).Replace('\\', '/')).ToList();
        Assert.That(files, Does.Contain("ovpn-echo.vcxproj").And.Contain("ovpn-echo.inf")
            .And.Contain("ovpn-echo-version.props").And.Contain("kernel/echo_driver.c").And.Contain("kernel/echo.h")
            .And.Contain("runtime-kernel/km/ovpn_rt_km.c").And.Contain("runtime-kernel/include/ovpn_rt.h"));
        Assert.That(files.Where(f => f.Contains("ovpn_km") || f.Contains("ovpn_host")), Is.Empty,
            "ovpn-dco's kernel backend and the hosted runtime's headers are not part of the echo driver");
        Assert.That(File.ReadAllText(Path.Combine(Built, "ovpn-echo.inf")), Does.Not.Contain("@OVPN_"),
            "every build token filled");
    }

    private InfReader Stamped(string arch) =>
        InfReader.Parse(InfReader.Stamp(File.ReadAllText(Path.Combine(Built, "ovpn-echo.inf")), arch,
            $"{Project.Property("KMDF_VERSION_MAJOR")}.{Project.Property("KMDF_VERSION_MINOR")}"));

    [TestCase("amd64")]
    [TestCase("x86")]
    [TestCase("arm64")]
    public void HardwareIdRootOvpnEchoInstallsTheKmdfServiceOnEveryArchitecture(string arch)
    {
        var inf = Stamped(arch);
        Assert.That(inf.Value("Version", "Class"), Is.EqualTo("Sample"));
        Assert.That(Guid.Parse(inf.Value("Version", "ClassGuid")),
            Is.EqualTo(Guid.Parse("78A1C341-4539-11d3-B88D-00C04FAD5171")), "the WDK samples' class");
        Assert.That(inf.Value("Version", "CatalogFile"), Is.EqualTo("ovpn-echo.cat"));
        Assert.That(inf.Value("Version", "DriverVer"), Does.Match(@"^\d\d/\d\d/\d{4},1\.0\.0\.0$"));
        var manufacturer = inf.Section("Manufacturer").Single();
        var decoration = manufacturer.Fields.Skip(1)
            .Single(d => d.StartsWith("NT" + arch + ".", StringComparison.OrdinalIgnoreCase));
        var device = inf.Section(manufacturer.Fields[0] + "." + decoration).Single();
        Assert.That(device.Fields.Skip(1), Is.EqualTo(new[] { @"Root\OvpnEcho" }));
        var install = device.Fields[0] + ".NT";
        var target = Project.Property("TargetName") + ".sys";
        Assert.That(inf.Fields(install, "CopyFiles").Single(), Is.Not.Empty);
        Assert.That(inf.Section(inf.Value(install, "CopyFiles")).Single().Fields[0], Is.EqualTo(target));
        var addService = inf.Fields(install + ".Services", "AddService");
        Assert.That(Convert.ToInt32(addService[1], 16) & 0x2, Is.EqualTo(0x2), "the device's function driver");
        Assert.That(inf.Number(addService[2], "ServiceType"), Is.EqualTo(1));
        Assert.That(inf.Number(addService[2], "StartType"), Is.EqualTo(3));
        Assert.That(inf.Value(addService[2], "ServiceBinary"), Is.EqualTo(@"%13%\" + target));
        var kmdf = inf.Fields(install + ".Wdf", "KmdfService");
        Assert.That(kmdf[0], Is.EqualTo(addService[0]), "the KMDF service is the device's service");
        Assert.That(inf.Value(kmdf[1], "KmdfLibraryVersion"), Is.EqualTo("1.33"));
    }

    [Test]
    public void AKmdfDriverWithoutNetAdapterBuiltReproducibly()
    {
        var p = Project;
        Assert.That(p.Property("DriverType"), Is.EqualTo("KMDF"));
        Assert.That(p.Property("PlatformToolset"), Is.EqualTo("WindowsKernelModeDriver10.0"));
        Assert.That(p.Property("TargetName"), Is.EqualTo("ovpn-echo"));
        Assert.That(p.Document.Descendants(ProjectFile.Ns + "NetAdapterDriver"), Is.Empty);
        var configurations = p.Items("ProjectConfiguration");
        Assert.That(configurations, Is.EquivalentTo(ProjectFile.DriverConfigurations));
        Assert.That(p.Metadata("ClCompile", "AdditionalOptions", "Release"), Does.Contain("/Brepro"));
        Assert.That(p.Metadata("Link", "AdditionalOptions", "Release"),
            Does.Contain("/Brepro").And.Contain("/PDBALTPATH:%_PDB%"));
        Assert.That(p.Metadata("Inf", "DateStamp"), Is.EqualTo("$(OvpnEchoDriverDate)"),
            "stampinf's date from the build, never today");
    }

    [Test]
    public void EveryCompiledFileBuildsAgainstTheWdkHeaders()
    {
        var wdkCc = Path.Combine(Package.RepoRoot, "..", "shared", "tools", "wdk-cc");
        if (!File.Exists(wdkCc))
            Assert.Ignore("../shared/tools/wdk-cc (the WDK headers) is not beside this clone");
        var p = Project;
        var defines = ProjectFile.List(p.Metadata("ClCompile", "PreprocessorDefinitions"));
        var includes = ProjectFile.List(p.Metadata("ClCompile", "AdditionalIncludeDirectories"))
            .Select(i => i.Replace('\\', '/'));
        var flags = string.Join(" ",
            defines.Select(d => "-D" + d).Concat(includes.Select(i => "-I " + NativeToolchain.Quote(i))));
        int compiled = 0;
        foreach (var pattern in p.Items("ClCompile").Select(i => i.Replace('\\', '/')))
        {
            var folder = Path.Combine(Built, Path.GetDirectoryName(pattern)!);
            foreach (var c in Directory.GetFiles(folder, Path.GetFileName(pattern)))
            {
                var rel = Path.GetRelativePath(Built, c);
                var result = NativeToolchain.Run(
                    $"{NativeToolchain.Quote(wdkCc)} x64 -c -Wall -Werror {flags} {NativeToolchain.Quote(rel)} -o /dev/null", Built);
                Assert.That(result.ExitCode, Is.EqualTo(0), $"{rel}:\n{result.Stderr}");
                compiled++;
            }
        }
        Assert.That(compiled, Is.GreaterThanOrEqualTo(2), "the generated C and the kernel runtime");
    }

    [Test]
    public void TwoFoldersGiveTheSameBytes()
    {
        var first = _built ??= Build("a");
        var second = Build("b");
        Assert.That(second.Sha256, Is.EqualTo(first.Sha256));
    }
}
