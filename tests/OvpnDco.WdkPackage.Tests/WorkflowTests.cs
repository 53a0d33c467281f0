using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace OvpnDco.WdkPackage.Tests;

/// <summary>
/// .github/workflows/windows.yml cannot run here; these checks keep it in step with the package it builds: the
/// platforms the project declares, the assembled project path, the pinned kit, and the signature-free comparison.
/// </summary>
public class WorkflowTests
{
    private static string Workflow => File.ReadAllText(Path.Combine(Package.RepoRoot, ".github", "workflows", "windows.yml"));

    [Test]
    public void BuildsEveryPlatformOfTheProjectFromTheAssembledPackage()
    {
        var matrix = Regex.Match(Workflow, @"platform: \[([^\]]+)\]");
        Assert.That(matrix.Success, Is.True, "a platform matrix");
        var platforms = matrix.Groups[1].Value.Split(',').Select(p => p.Trim());
        var declared = ProjectFile.Load(Package.PropsFile("ovpn-dco-win.vcxproj")).Items("ProjectConfiguration")
            .Select(c => c.Split('|')[1]).Distinct();
        Assert.That(platforms, Is.EquivalentTo(declared));
        Assert.That(Workflow, Does.Contain("./build.sh --kernel-only"));
        Assert.That(Workflow, Does.Contain(@"msbuild out\wdk\ovpn-dco-win.vcxproj"));
    }

    [Test]
    public void PinsTheKitTheProjectPins()
    {
        var pinned = ProjectFile.Load(Package.PropsFile("ovpn-dco-win.vcxproj")).Property("WindowsTargetPlatformVersion");
        Assert.That(Workflow, Does.Contain($"KIT_VERSION: {pinned}"));
    }

    [Test]
    public void ComparesTheDriverOfTwoBuildsWithoutItsSignature()
    {
        Assert.That(Workflow, Does.Contain("scripts/assemble-wdk.sh --kernel out/kernel --out /c/"), "a second package elsewhere");
        Assert.That(Workflow, Does.Contain("remove /s"));
        Assert.That(Workflow, Does.Contain("Get-FileHash -Algorithm SHA256"));
    }
}
