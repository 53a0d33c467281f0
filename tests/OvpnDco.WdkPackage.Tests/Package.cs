using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using OvpnDco.Compiler;
using OvpnDco.TestSupport;

namespace OvpnDco.WdkPackage.Tests;

/// <summary>
/// The package's inputs and a way to make one: the kernel binding's built IL (copied next to these tests by the
/// project reference) transpiled with ovpn-il2c's compiler, then scripts/assemble-wdk.sh — what ./build.sh runs.
/// </summary>
public static class Package
{
    public static string RepoRoot => NativeToolchain.RepoRoot;
    public static string Props => Path.Combine(RepoRoot, "wdk-props");
    public static string PropsFile(string name) => Path.Combine(Props, name);

    public const string KernelAssembly = "OvpnDco.Driver.Kernel.dll";

    /// <summary>The kernel binding and every assembly of ours it references (with PDBs), copied into <paramref name="dir"/>.</summary>
    public static string CopyKernelIl(string dir)
    {
        Directory.CreateDirectory(dir);
        var pending = new Stack<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        pending.Push(Path.GetFileNameWithoutExtension(KernelAssembly));
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            var dll = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            if (!done.Add(name) || !File.Exists(dll))
                continue; // framework assemblies: the compiler finds them beside System.Private.CoreLib
            File.Copy(dll, Path.Combine(dir, name + ".dll"), overwrite: true);
            var pdb = Path.ChangeExtension(dll, ".pdb");
            if (File.Exists(pdb))
                File.Copy(pdb, Path.Combine(dir, name + ".pdb"), overwrite: true);
            using var pe = new PEReader(File.OpenRead(dll));
            var md = pe.GetMetadataReader();
            foreach (var handle in md.AssemblyReferences)
                pending.Push(md.GetString(md.GetAssemblyReference(handle).Name));
        }
        return Path.Combine(dir, KernelAssembly);
    }

    /// <summary>ovpn-il2c compile &lt;kernel dll&gt; --target kernel --module ovpndco --out &lt;outDir&gt;; returns its sha256.</summary>
    public static string Transpile(string kernelDll, string outDir)
    {
        var output = IlToC.Compile(kernelDll, new CompilerOptions { Target = Target.Kernel, ModuleName = "ovpndco" });
        IlToC.WriteOutput(output, outDir);
        return output.Sha256();
    }

    public sealed record Assembly(string Dir, string PrintedSha256, string Output);

    /// <summary>scripts/assemble-wdk.sh --kernel &lt;kernelDir&gt; --out &lt;outDir&gt;, asserting that it succeeded.</summary>
    public static Assembly Assemble(string kernelDir, string outDir)
    {
        var script = Path.Combine(RepoRoot, "scripts", "assemble-wdk.sh");
        var result = NativeToolchain.Run($"{NativeToolchain.Quote(script)} --kernel {NativeToolchain.Quote(kernelDir)} --out {NativeToolchain.Quote(outDir)}");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stdout + result.Stderr);
        var sha = Regex.Match(result.Stdout, "sha256 ([0-9a-f]{64})");
        Assert.That(sha.Success, Is.True, "assemble-wdk.sh prints the package's sha256: " + result.Stdout);
        return new Assembly(outDir, sha.Groups[1].Value, result.Stdout);
    }

    private static readonly Lazy<string> s_built = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), $"ovpndco-wdk-package-{Environment.ProcessId}");
        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);
        var dll = CopyKernelIl(Path.Combine(root, "il"));
        Transpile(dll, Path.Combine(root, "kernel"));
        return Assemble(Path.Combine(root, "kernel"), Path.Combine(root, "wdk")).Dir;
    });

    /// <summary>One assembled package for the tests that read out/wdk (made once per test run, in a temp folder).</summary>
    public static string Built => s_built.Value;

    /// <summary>
    /// The package's sha256 as assemble-wdk.sh defines it: sha256 of the `sha256sum` listing (hash, two spaces,
    /// "./" + path, newline) of every file, sorted by path bytes.
    /// </summary>
    public static string TreeSha256(string dir)
    {
        var listing = new StringBuilder();
        foreach (var rel in Files(dir))
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, rel))));
            listing.Append(hash).Append("  ./").Append(rel).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString())));
    }

    /// <summary>Every file under <paramref name="dir"/>, as '/'-separated relative paths in ordinal order.</summary>
    public static IReadOnlyList<string> Files(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f).Replace(Path.DirectorySeparatorChar, '/'))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
}
