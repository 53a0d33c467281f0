using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using OvpnDco.Driver;

namespace OvpnDco.WdkPackage.Tests;

/// <summary>
/// ovpn-dco-win.vcxproj and its .props/.targets: the configurations, the KMDF/NetAdapterCx settings, the sources by
/// wildcard against the assembled layout, the reproducible-Release options, and the version resource.
/// </summary>
public class ProjectTests
{
    private static ProjectFile Project => ProjectFile.Load(Package.PropsFile("ovpn-dco-win.vcxproj"));
    private static ProjectFile Props => ProjectFile.Load(Package.PropsFile("ovpn-dco-win.props"));

    [Test]
    public void ThreePlatformsDebugAndRelease()
    {
        var configurations = Project.Items("ProjectConfiguration");
        Assert.That(configurations, Is.EquivalentTo(ProjectFile.DriverConfigurations));
    }

    [Test]
    public void KmdfNetAdapterDriverWithTheKernelModeToolset()
    {
        var p = Project;
        Assert.That(p.Property("PlatformToolset"), Is.EqualTo("WindowsKernelModeDriver10.0"));
        Assert.That(p.Property("ConfigurationType"), Is.EqualTo("Driver"));
        Assert.That(p.Property("DriverType"), Is.EqualTo("KMDF"));
        Assert.That(p.Property("KMDF_VERSION_MAJOR") + "." + p.Property("KMDF_VERSION_MINOR"), Is.EqualTo("1.33"));
        Assert.That(p.Property("NetAdapterDriver"), Is.EqualTo("true"));
        Assert.That(p.Property("NETADAPTER_VERSION_MAJOR") + "." + p.Property("NETADAPTER_VERSION_MINOR"), Is.EqualTo("2.2"));
        Assert.That(p.Property("TargetName"), Is.EqualTo("ovpn-dco"));
        Assert.That(p.Property("WindowsTargetPlatformVersion"), Does.Match(@"^10\.0\.\d+\.0$"), "a pinned SDK/WDK, not 'latest installed'");
    }

    [Test]
    public void SourcesAreWildcardsOverTheGeneratedAndRuntimeFolders()
    {
        var sources = Project.Items("ClCompile");
        Assert.That(sources, Is.EquivalentTo(new[] { @"kernel\*.c", @"runtime-kernel\km\*.c" }));
        Assert.That(sources.All(s => s.Contains('*')), Is.True, "no fixed file list");
    }

    [Test]
    public void CompilerSeesTheKernelRuntimeAndTheWdkHeaders()
    {
        var props = Props;
        Assert.That(ProjectFile.List(props.Metadata("ClCompile", "AdditionalIncludeDirectories")),
            Is.EqualTo(new[] { "kernel", @"runtime-kernel\include", @"runtime-kernel\km" }));
        var defines = ProjectFile.List(props.Metadata("ClCompile", "PreprocessorDefinitions"));
        Assert.That(defines, Does.Contain("OVPN_RT_KERNEL").And.Contain("OVPN_KM_WDK_HEADERS"));
        Assert.That(props.Metadata("ClCompile", "LanguageStandard_C"), Is.EqualTo("stdc11"));
        var libs = ProjectFile.List(props.Metadata("Link", "AdditionalDependencies"));
        Assert.That(libs, Does.Contain("netio.lib").And.Contain("cng.lib").And.Contain("ksecdd.lib"));
    }

    [Test]
    public void ReleaseIsReproducible()
    {
        var props = Props;
        var cl = props.Metadata("ClCompile", "AdditionalOptions", "'Release'") ?? "";
        var link = props.Metadata("Link", "AdditionalOptions", "'Release'") ?? "";
        Assert.That(cl.Split(' '), Does.Contain("/Brepro"), "compiler");
        Assert.That(cl, Does.Contain(@"/d1trimfile:$(MSBuildProjectDirectory)\"), "no project path in __FILE__ or debug info");
        Assert.That(link.Split(' '), Does.Contain("/Brepro"), "linker");
        Assert.That(link.Split(' '), Does.Contain("/PDBALTPATH:%_PDB%"), "only the .pdb's name in the driver");
        Assert.That(props.Metadata("ClCompile", "DebugInformationFormat", "'Release'"), Is.EqualTo("OldStyle"), "/Z7");
        Assert.That(props.Metadata("Inf", "SpecifyDriverVerDirectiveDate"), Is.EqualTo("true"));
        Assert.That(props.Metadata("Inf", "DateStamp"), Is.EqualTo("$(OvpnDcoDriverDate)"), "DriverVer date fixed, never today's");
        Assert.That(Project.Property("OutDir"), Does.Not.Contain(":").And.Not.StartWith(@"\"), "relative output folder");
    }

    [Test]
    public void ProjectImportsAndItemsResolveInTheAssembledPackage()
    {
        var dir = Package.Built;
        var project = ProjectFile.Load(Path.Combine(dir, "ovpn-dco-win.vcxproj"));
        foreach (var import in project.Imports().Where(i => !i.Contains("$(")))
            Assert.That(File.Exists(Path.Combine(dir, import)), Is.True, import);
        Assert.That(ProjectFile.Load(Path.Combine(dir, "ovpn-dco-win.props")).Imports(), Does.Contain("ovpn-dco-version.props"));
        Assert.That(File.Exists(Path.Combine(dir, "ovpn-dco-version.props")), Is.True);
        foreach (var type in new[] { "ResourceCompile", "Inf", "None" })
            foreach (var item in project.Items(type))
                Assert.That(File.Exists(Path.Combine(dir, item)), Is.True, $"{type} {item}");
        foreach (var include in ProjectFile.List(Props.Metadata("ClCompile", "AdditionalIncludeDirectories")))
            Assert.That(Directory.Exists(Path.Combine(dir, Local(include))), Is.True, include);
    }

    [Test]
    public void WildcardsCompileEveryCFileOfThePackage()
    {
        var dir = Package.Built;
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in Project.Items("ClCompile"))
        {
            var files = Expand(dir, pattern);
            Assert.That(files, Is.Not.Empty, $"{pattern} matches nothing in the package");
            matched.UnionWith(files);
        }
        var cFiles = Package.Files(dir).Where(f => f.EndsWith(".c", StringComparison.Ordinal));
        Assert.That(matched, Is.EquivalentTo(cFiles), "every .c in the package is compiled, and only those");
        Assert.That(matched, Has.Some.StartsWith("kernel/"), "the generated driver");
        Assert.That(matched, Does.Contain("runtime-kernel/km/ovpn_rt_km.c"), "the hand-written kernel runtime");
    }

    [Test]
    public void VersionResourceTakesItsNumbersFromTheOneVersionSource()
    {
        var rc = File.ReadAllText(Package.PropsFile("ovpn-dco.rc"));
        Assert.That(rc, Does.Contain("VS_VERSION_INFO VERSIONINFO"));
        Assert.That(rc, Does.Match(@"FILEVERSION\s+OVPN_DCO_VERSION_MAJOR, OVPN_DCO_VERSION_MINOR, OVPN_DCO_VERSION_PATCH, 0"));
        Assert.That(rc, Does.Match(@"PRODUCTVERSION\s+OVPN_DCO_VERSION_MAJOR, OVPN_DCO_VERSION_MINOR, OVPN_DCO_VERSION_PATCH, 0"));
        Assert.That(rc, Does.Contain("\"FileDescription\"").And.Contain("\"ProductName\""));
        Assert.That(rc, Does.Match("\"FileVersion\",\\s+OVPN_DCO_VERSION_STRING"));
        Assert.That(rc, Does.Contain("#include \"ovpn-dco-version.h\""));
        Assert.That(Regex.IsMatch(rc, @"\b\d+\.\d+\.\d+"), Is.False, "no version number written in the .rc itself");

        var header = File.ReadAllText(Path.Combine(Package.Built, "ovpn-dco-version.h"));
        int Define(string name) => int.Parse(Regex.Match(header, $@"#define {name} (\d+)").Groups[1].Value);
        Assert.That((Define("OVPN_DCO_VERSION_MAJOR"), Define("OVPN_DCO_VERSION_MINOR"), Define("OVPN_DCO_VERSION_PATCH")),
            Is.EqualTo((Proto.VersionMajor, Proto.VersionMinor, Proto.VersionPatch)), "the version GET_VERSION reports");
        Assert.That(header, Does.Contain($"#define OVPN_DCO_VERSION_STRING \"{Proto.VersionMajor}.{Proto.VersionMinor}.{Proto.VersionPatch}.0\""));

        var version = ProjectFile.Load(Path.Combine(Package.Built, "ovpn-dco-version.props"));
        Assert.That(version.Property("OVPN_DCO_VERSION_MAJOR"), Is.EqualTo(Proto.VersionMajor.ToString()));
        Assert.That(version.Property("OVPN_DCO_VERSION_MINOR"), Is.EqualTo(Proto.VersionMinor.ToString()));
        Assert.That(version.Property("OVPN_DCO_VERSION_PATCH"), Is.EqualTo(Proto.VersionPatch.ToString()));
    }

    [Test]
    public void TargetsRefuseAPackageWithoutGeneratedC()
    {
        var targets = ProjectFile.Load(Package.PropsFile("ovpn-dco-win.targets"));
        var errors = targets.Document.Descendants(ProjectFile.Ns + "Error").Select(e => (string)e.Attribute("Condition")!).ToList();
        Assert.That(errors, Has.Some.Contains("@(_OvpnDcoGeneratedC)"));
        Assert.That(errors, Has.Some.Contains("'$(OvpnDcoDriverDate)' == '*'"), "Release never stamps today's date");
    }

    private static string Local(string windowsPath) => windowsPath.Replace('\\', Path.DirectorySeparatorChar);

    /// <summary>An MSBuild `folder\*.ext` wildcard, as package-relative '/' paths.</summary>
    private static IReadOnlyList<string> Expand(string root, string pattern)
    {
        var local = Local(pattern);
        var folder = Path.Combine(root, Path.GetDirectoryName(local)!);
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, Path.GetFileName(local)).Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/')).ToList()
            : Array.Empty<string>();
    }
}
