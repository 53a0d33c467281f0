using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace OvpnDco.Uapi.Tests;

/// <summary>Paths of the repository and a runner for clang-14.</summary>
internal static class Repo
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OvpnDco.sln")))
                    return dir.FullName;
            }
            throw new InvalidOperationException("OvpnDco.sln not found above " + TestContext.CurrentContext.TestDirectory);
        }
    }

    public static string IncludeDir => Path.Combine(Root, "uapi", "include");

    public static string WinMinDir => Path.Combine(IncludeDir, "win-min");

    public const string MingwInclude = "/usr/share/mingw-w64/include";

    /// <summary>Runs clang-14 with <paramref name="arguments"/>; returns its exit code and stderr.</summary>
    public static (int ExitCode, string Errors) Clang(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("clang-14")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"clang-14 is not installed ({e.Message}); scripts/install-deps.sh installs it");
            throw;
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("clang-14 did not finish within 120 s");
            }
            return (process.ExitCode, stderr.Result + stdout.Result);
        }
    }

    /// <summary>A fresh scratch directory, removed by the caller.</summary>
    public static string ScratchDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ovpndco-uapi-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string[] Args(params string[] items) => items.Where(i => i.Length > 0).ToArray();
}
