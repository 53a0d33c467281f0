using System;
using System.IO;
using System.Linq;

namespace OvpnDco.WdkPackage.Tests;

/// <summary>
/// Two builds from two folders give the same bytes: the kernel binding's IL copied to two unrelated places,
/// transpiled in each (what `ovpn-il2c compile --target kernel` does in ./build.sh), and the WDK package assembled
/// in each. The generated C (out/kernel) and the whole package (out/wdk) must be byte-identical; the sha256 of both
/// is printed. (The .sys itself needs the WDK: windows.yml builds it twice and compares, see wdk-props/README.md.)
/// </summary>
public class ReproducibleBuildTests
{
    private string _root = "";

    [SetUp]
    public void MakeFolders() => _root = Path.Combine(Path.GetTempPath(), "ovpndco-repro-" + Path.GetRandomFileName());

    [TearDown]
    public void RemoveFolders()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    [Test]
    public void KernelCAndWdkPackageAreByteIdenticalFromTwoFolders()
    {
        var first = Path.Combine(_root, "a");
        var second = Path.Combine(_root, "somewhere", "else", "entirely");

        var shaFirst = Package.Transpile(Package.CopyKernelIl(Path.Combine(first, "il")), Path.Combine(first, "kernel"));
        var shaSecond = Package.Transpile(Package.CopyKernelIl(Path.Combine(second, "il")), Path.Combine(second, "kernel"));
        var wdkFirst = Package.Assemble(Path.Combine(first, "kernel"), Path.Combine(first, "wdk"));
        var wdkSecond = Package.Assemble(Path.Combine(second, "kernel"), Path.Combine(second, "wdk"));

        TestContext.Out.WriteLine($"kernel C sha256: {shaFirst} ({first}) / {shaSecond} ({second})");
        TestContext.Out.WriteLine($"out/wdk sha256:  {wdkFirst.PrintedSha256} / {wdkSecond.PrintedSha256}");

        Assert.That(shaSecond, Is.EqualTo(shaFirst), "generated kernel C");
        AssertSameTree(Path.Combine(first, "kernel"), Path.Combine(second, "kernel"));
        AssertSameTree(wdkFirst.Dir, wdkSecond.Dir);
        Assert.That(wdkSecond.PrintedSha256, Is.EqualTo(wdkFirst.PrintedSha256));
        // The number the script prints is the one defined in Package.TreeSha256 (so a reader can recompute it).
        Assert.That(Package.TreeSha256(wdkFirst.Dir), Is.EqualTo(wdkFirst.PrintedSha256));
        // No folder name of either build leaks into the package.
        foreach (var file in Package.Files(wdkFirst.Dir))
            Assert.That(File.ReadAllText(Path.Combine(wdkFirst.Dir, file)), Does.Not.Contain(_root), file);
    }

    [Test]
    public void APackageThatDiffersIsNoticed()
    {
        // The comparison above must be able to fail: one changed byte in the generated C changes the package sha256.
        var kernel = Path.Combine(_root, "kernel");
        Package.Transpile(Package.CopyKernelIl(Path.Combine(_root, "il")), kernel);
        var before = Package.Assemble(kernel, Path.Combine(_root, "wdk1"));
        var c = Directory.GetFiles(kernel, "*.c").OrderBy(f => f, StringComparer.Ordinal).First();
        File.AppendAllText(c, "\n");
        var after = Package.Assemble(kernel, Path.Combine(_root, "wdk2"));
        Assert.That(after.PrintedSha256, Is.Not.EqualTo(before.PrintedSha256));
    }

    private static void AssertSameTree(string a, string b)
    {
        Assert.That(Package.Files(b), Is.EqualTo(Package.Files(a)), $"same files in {a} and {b}");
        foreach (var file in Package.Files(a))
            Assert.That(File.ReadAllBytes(Path.Combine(b, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(a, file))), file);
    }
}
