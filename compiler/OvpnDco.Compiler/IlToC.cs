using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Mono.Cecil;
using Mono.Cecil.Cil;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Emit;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler;

/// <summary>
/// Resolves referenced assemblies with their portable PDB when one sits beside them, so code from referenced user
/// assemblies (the driver core behind a platform binding) keeps its local names and source lines in the C.
/// </summary>
internal sealed class SymbolReadingResolver : DefaultAssemblyResolver
{
    public override AssemblyDefinition Resolve(AssemblyNameReference name, ReaderParameters parameters)
    {
        var assembly = base.Resolve(name, parameters);
        var location = assembly.MainModule.FileName;
        if (!assembly.MainModule.HasSymbols && location != null && File.Exists(Path.ChangeExtension(location, ".pdb")))
        {
            try
            {
                assembly.MainModule.ReadSymbols();
            }
            catch (Exception e) when (e is InvalidOperationException or BadImageFormatException or IOException or SymbolsNotMatchingException)
            {
                // a stale or foreign pdb: compile without source lines rather than fail
            }
        }
        return assembly;
    }
}

/// <summary>The result of compiling one assembly: file name → content.</summary>
public sealed record CompileOutput(IReadOnlyDictionary<string, string> Files, int FunctionCount)
{
    /// <summary>sha256 over the sorted file names and contents: one number that says "same output".</summary>
    public string Sha256()
    {
        using var sha = SHA256.Create();
        var sb = new StringBuilder();
        foreach (var (name, text) in Files.OrderBy(f => f.Key, StringComparer.Ordinal))
            sb.Append(name).Append('\0').Append(text).Append('\0');
        return Convert.ToHexStringLower(sha.ComputeHash(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}

/// <summary>
/// The compiler's entry point: reader (Cecil, with the portable PDB when present) → reachability and lowering
/// (<see cref="Compilation"/>) → C emitter (<see cref="CWriter"/>).
/// </summary>
public static class IlToC
{
    public static CompileOutput Compile(string assemblyPath, CompilerOptions options)
    {
        if (!File.Exists(assemblyPath))
            throw new CompileError(ErrorCodes.BadAssembly, $"assembly '{assemblyPath}' does not exist");
        using var resolver = new SymbolReadingResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!);
        resolver.AddSearchDirectory(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        var pdb = Path.ChangeExtension(assemblyPath, ".pdb");
        var parameters = new ReaderParameters
        {
            AssemblyResolver = resolver,
            ReadSymbols = File.Exists(pdb),
            ReadingMode = ReadingMode.Immediate,
        };
        AssemblyDefinition assembly;
        try
        {
            assembly = AssemblyDefinition.ReadAssembly(assemblyPath, parameters);
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or IOException)
        {
            throw new CompileError(ErrorCodes.BadAssembly, $"'{assemblyPath}' is not a readable .NET assembly: {e.Message}");
        }
        using (assembly)
            return Compile(assembly.MainModule, options);
    }

    public static CompileOutput Compile(ModuleDefinition module, CompilerOptions options)
    {
        var compilation = new Compilation(module, options);
        var roots = FindRoots(module, options.Entry);
        if (roots.Count == 0)
            throw new CompileError(ErrorCodes.NoEntryPoints,
                options.Entry == null
                    ? $"'{module.Assembly.Name.Name}' has no [Export] methods: nothing to compile"
                    : $"no method matches --entry '{options.Entry}'");
        foreach (var root in roots)
            compilation.AddRoot(root);
        compilation.Run();

        var moduleName = options.ModuleName ?? Names.Identifier(module.Assembly.Name.Name.Replace('.', '_')).ToLowerInvariant();
        var files = CWriter.Write(compilation, moduleName, module.Assembly.Name.Name);
        foreach (var (name, text) in CFiles.For(compilation))
            files.TryAdd(name, text);
        return new CompileOutput(files, compilation.Functions.Count());
    }

    private static List<MethodDefinition> FindRoots(ModuleDefinition module, string? entry)
    {
        var methods = module.Types.SelectMany(AllTypes).SelectMany(t => t.Methods).ToList();
        if (entry == null || entry == "Export" || entry == "ExportAttribute" || entry == Imports.ExportAttribute)
            return methods.Where(m => Imports.ExportOf(m) != null).OrderBy(m => m.FullName, StringComparer.Ordinal).ToList();
        if (entry.Contains("::", StringComparison.Ordinal))
        {
            var parts = entry.Split("::");
            return methods.Where(m => m.DeclaringType.FullName == parts[0] && m.Name == parts[1]).ToList();
        }
        var attribute = entry.EndsWith("Attribute", StringComparison.Ordinal) ? entry : entry + "Attribute";
        return methods.Where(m => m.CustomAttributes.Any(a => a.AttributeType.Name == attribute || a.AttributeType.FullName == attribute))
            .OrderBy(m => m.FullName, StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<TypeDefinition> AllTypes(TypeDefinition t) => new[] { t }.Concat(t.NestedTypes.SelectMany(AllTypes));

    private const string Marker = "generated by ovpn-il2c";

    /// <summary>
    /// Writes the files into <paramref name="directory"/>: each through a temporary file and a rename, and
    /// earlier generated files that this output no longer has are removed. Files we did not generate are
    /// left alone. Compilation happens in memory first, so a failed compile writes nothing.
    /// </summary>
    public static void WriteOutput(CompileOutput output, string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, text) in output.Files)
        {
            var target = Path.Combine(directory, name);
            var temp = target + ".tmp-" + Environment.ProcessId;
            File.WriteAllText(temp, text, new UTF8Encoding(false));
            File.Move(temp, target, overwrite: true);
        }
        foreach (var stale in GeneratedFiles(directory).Where(f => !output.Files.ContainsKey(Path.GetFileName(f))))
            File.Delete(stale);
    }

    /// <summary>Removes what an earlier run generated in <paramref name="directory"/> (after a failed compile).</summary>
    public static void RemoveOutput(string directory)
    {
        if (!Directory.Exists(directory))
            return;
        foreach (var f in GeneratedFiles(directory))
            File.Delete(f);
    }

    private static IEnumerable<string> GeneratedFiles(string directory) =>
        Directory.EnumerateFiles(directory)
            .Where(f => f.EndsWith(".c", StringComparison.Ordinal) || f.EndsWith(".h", StringComparison.Ordinal))
            .Where(f => File.ReadLines(f).FirstOrDefault()?.Contains(Marker, StringComparison.Ordinal) == true)
            .ToList();
}
