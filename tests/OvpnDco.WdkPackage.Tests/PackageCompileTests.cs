using System.IO;
using System.Linq;
using OvpnDco.TestSupport;

namespace OvpnDco.WdkPackage.Tests;

/// <summary>
/// The assembled package compiles the way its project says: every file the ClCompile wildcards pick, with the
/// project's include folders (relative to the package) and defines, against Microsoft's WDK headers via wdk-cc
/// (clang in the MSVC kernel dialect, KMDF 1.33 + NetAdapterCx 2.2, x64). What the WDK's own cl.exe would add
/// (its /W4 warnings, the linker) needs Windows: .github/workflows/windows.yml.
/// </summary>
public class PackageCompileTests
{
    private static string WdkCc => Path.Combine(Package.RepoRoot, "..", "shared", "tools", "wdk-cc");

    [Test]
    public void PackageCompilesWithTheProjectsIncludeFoldersAndDefines()
    {
        if (!File.Exists(WdkCc))
            Assert.Ignore("../shared/tools/wdk-cc (the WDK headers) is not beside this clone");
        var props = ProjectFile.Load(Package.PropsFile("ovpn-dco-win.props"));
        var project = ProjectFile.Load(Package.PropsFile("ovpn-dco-win.vcxproj"));
        // The project's $(NETADAPTER_VERSION_*) as msbuild would expand them; the version macros as the package sets them.
        var version = ProjectFile.Load(Path.Combine(Package.Built, "ovpn-dco-version.props"));
        var defines = ProjectFile.List(props.Metadata("ClCompile", "PreprocessorDefinitions"))
            .Select(d => d.Replace("$(NETADAPTER_VERSION_MAJOR)", project.Property("NETADAPTER_VERSION_MAJOR"))
                          .Replace("$(NETADAPTER_VERSION_MINOR)", project.Property("NETADAPTER_VERSION_MINOR"))
                          .Replace("$(OVPN_DCO_VERSION_MAJOR)", version.Property("OVPN_DCO_VERSION_MAJOR"))
                          .Replace("$(OVPN_DCO_VERSION_MINOR)", version.Property("OVPN_DCO_VERSION_MINOR"))
                          .Replace("$(OVPN_DCO_VERSION_PATCH)", version.Property("OVPN_DCO_VERSION_PATCH")))
            .ToList();
        Assert.That(defines.Any(d => d.Contains("$(")), Is.False, string.Join(";", defines));
        var includes = ProjectFile.List(props.Metadata("ClCompile", "AdditionalIncludeDirectories")).Select(i => i.Replace('\\', '/'));
        var flags = string.Join(" ", defines.Select(d => "-D" + d).Concat(includes.Select(i => "-I " + NativeToolchain.Quote(i))));

        var dir = Package.Built;
        var objects = Path.Combine(dir, "obj-check");
        Directory.CreateDirectory(objects);
        foreach (var pattern in project.Items("ClCompile"))
        {
            var folder = Path.GetDirectoryName(pattern.Replace('\\', '/'))!;
            foreach (var c in Directory.GetFiles(Path.Combine(dir, folder), Path.GetFileName(pattern.Replace('\\', '/'))))
            {
                var rel = Path.GetRelativePath(dir, c);
                var obj = Path.Combine(objects, rel.Replace('/', '_') + ".obj");
                var result = NativeToolchain.Run(
                    $"{NativeToolchain.Quote(WdkCc)} x64 -c -Wall -Werror {flags} {NativeToolchain.Quote(rel)} -o {NativeToolchain.Quote(obj)}", dir);
                Assert.That(result.ExitCode, Is.EqualTo(0), $"{rel}:\n{result.Stderr}");
            }
        }
        Directory.Delete(objects, recursive: true);
    }
}
