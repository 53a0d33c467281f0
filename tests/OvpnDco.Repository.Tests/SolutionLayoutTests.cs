using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace OvpnDco.Repository.Tests;

/// <summary>Facts about the repository that README and DESIGN.md promise.</summary>
public class SolutionLayoutTests
{
    internal static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "OvpnDco.sln")))
                dir = dir.Parent;
            Assert.That(dir, Is.Not.Null, "OvpnDco.sln not found above the test directory");
            return dir!.FullName;
        }
    }

    private static string[] SolutionProjects()
    {
        var sln = File.ReadAllText(Path.Combine(RepoRoot, "OvpnDco.sln"));
        return Regex.Matches(sln, "\"([^\"]+\\.csproj)\"")
            .Select(m => m.Groups[1].Value.Replace('\\', '/'))
            .ToArray();
    }

    [Test]
    public void EveryProjectInTheTreeIsInTheSolution()
    {
        var inSolution = SolutionProjects().Select(p => Path.GetFullPath(Path.Combine(RepoRoot, p))).ToHashSet();
        var onDisk = Directory.GetFiles(RepoRoot, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !p.Contains($"{Path.DirectorySeparatorChar}out{Path.DirectorySeparatorChar}")
                        && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(Path.GetFullPath);
        Assert.That(onDisk, Is.SubsetOf(inSolution));
    }

    [TestCase("compiler")]
    [TestCase("runtime-kernel")]
    [TestCase("driver")]
    [TestCase("uapi")]
    [TestCase("tests")]
    [TestCase("samples")]
    public void TopLevelFolderHoldsARealProject(string folder)
    {
        var projects = SolutionProjects().Where(p => p.StartsWith(folder + "/", StringComparison.Ordinal)).ToArray();
        Assert.That(projects, Is.Not.Empty, $"{folder}/ has no project in OvpnDco.sln");
        foreach (var p in projects)
            Assert.That(File.Exists(Path.Combine(RepoRoot, p)), Is.True, p);
    }

    [Test]
    public void EveryProjectBuiltForNet10OrNetStandardForRoslyn()
    {
        foreach (var project in SolutionProjects())
        {
            var name = Path.GetFileNameWithoutExtension(project);
            var text = File.ReadAllText(Path.Combine(RepoRoot, project));
            var framework = Regex.Match(text, "<TargetFramework>([^<]+)</TargetFramework>");
            if (framework.Success)
            {
                // Only Roslyn components may leave net10.0, and they must target netstandard2.0.
                Assert.That(framework.Groups[1].Value, Is.EqualTo("netstandard2.0"), project);
                Assert.That(text, Does.Contain("<IsRoslynComponent>true</IsRoslynComponent>"), project);
                continue;
            }
            var dir = Path.Combine(RepoRoot, Path.GetDirectoryName(project)!, "bin");
            Assert.That(Directory.Exists(dir), Is.True, $"{name} was not built ({dir})");
            var built = Directory.GetDirectories(dir, "net10.0", SearchOption.AllDirectories);
            Assert.That(built, Is.Not.Empty, $"{name} has no net10.0 output");
        }
    }

    [Test]
    public void CentralPackageVersionsAreTheOnlyVersions()
    {
        foreach (var project in SolutionProjects())
        {
            var text = File.ReadAllText(Path.Combine(RepoRoot, project));
            Assert.That(Regex.IsMatch(text, "<PackageReference[^>]*Version="), Is.False,
                $"{project} pins a package version; pin it in Directory.Packages.props");
        }
    }

    [Test]
    public void RoslynComponentsDoNotOutgrowTheSdkCompiler()
    {
        var props = File.ReadAllText(Path.Combine(RepoRoot, "Directory.Packages.props"));
        var version = Regex.Match(props, "Include=\"Microsoft.CodeAnalysis.CSharp\" Version=\"(\\d+)\\.(\\d+)").Groups;
        var roslyn = new Version(int.Parse(version[1].Value), int.Parse(version[2].Value));
        // SDK 10.0.1xx..4xx ships Roslyn 5.x up to 5.9: a newer reference gives CS9057 in every consumer.
        Assert.That(roslyn, Is.LessThanOrEqualTo(new Version(5, 9)));
    }
}
