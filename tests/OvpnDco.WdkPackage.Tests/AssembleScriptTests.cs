using System;
using System.IO;
using OvpnDco.TestSupport;

namespace OvpnDco.WdkPackage.Tests;

/// <summary>scripts/assemble-wdk.sh at its edges: no generated C, a foreign --out folder, a given SOURCE_DATE_EPOCH.</summary>
public class AssembleScriptTests
{
    private string _root = "";

    [SetUp]
    public void MakeFolder()
    {
        _root = Path.Combine(Path.GetTempPath(), "ovpndco-assemble-" + Path.GetRandomFileName());
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_root, recursive: true);

    private static string Script => NativeToolchain.Quote(Path.Combine(Package.RepoRoot, "scripts", "assemble-wdk.sh"));

    private string KernelC()
    {
        var kernel = Path.Combine(_root, "kernel");
        Directory.CreateDirectory(kernel);
        File.WriteAllText(Path.Combine(kernel, "x.c"), "int x;\n");
        return kernel;
    }

    [Test]
    public void NoGeneratedCIsAnError()
    {
        var empty = Path.Combine(_root, "empty");
        Directory.CreateDirectory(empty);
        var result = NativeToolchain.Run($"{Script} --kernel {NativeToolchain.Quote(empty)} --out {NativeToolchain.Quote(Path.Combine(_root, "wdk"))}");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain("no generated C"));
    }

    [Test]
    public void AFolderThatIsNotAPackageIsNotReplaced()
    {
        var other = Path.Combine(_root, "other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "keep.txt"), "mine");
        var result = NativeToolchain.Run($"{Script} --kernel {NativeToolchain.Quote(KernelC())} --out {NativeToolchain.Quote(other)}");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(File.ReadAllText(Path.Combine(other, "keep.txt")), Is.EqualTo("mine"));
    }

    [Test]
    public void SourceDateEpochDatesTheDriverAndTheFiles()
    {
        var wdk = Path.Combine(_root, "wdk");
        // 1700000000 = 2023-11-14 22:13:20 UTC
        var result = NativeToolchain.Run($"SOURCE_DATE_EPOCH=1700000000 {Script} --kernel {NativeToolchain.Quote(KernelC())} --out {NativeToolchain.Quote(wdk)}");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
        var inf = InfReader.Parse(InfReader.Stamp(File.ReadAllText(Path.Combine(wdk, "ovpn-dco.inf")), "amd64", "1.33"));
        Assert.That(inf.Fields("Version", "DriverVer")[0], Is.EqualTo("11/14/2023"));
        Assert.That(ProjectFile.Load(Path.Combine(wdk, "ovpn-dco-version.props")).Property("OvpnDcoDriverDate"), Is.EqualTo("11/14/2023"));
        foreach (var file in Package.Files(wdk))
            Assert.That(File.GetLastWriteTimeUtc(Path.Combine(wdk, file)), Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1700000000).UtcDateTime), file);
        Assert.That(File.Exists(Path.Combine(wdk, "kernel", "x.c")), Is.True);
    }
}
