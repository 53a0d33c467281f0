using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using OvpnDco.Compiler;
using OvpnDco.Compiler.Diagnostics;

namespace OvpnDco.Il2c;

/// <summary>
/// ovpn-il2c compile &lt;assembly.dll&gt; --out &lt;dir&gt; --target hosted|kernel [--entry X] [--no-bounds-checks]
/// Exit codes: 0 compiled, 1 the input was refused (diagnostic printed), 2 usage error.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var assembly = new Argument<FileInfo>("assembly") { Description = "the .NET assembly (with its .pdb beside it for source lines)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "directory for the generated .c/.h files", Required = true };
        var target = new Option<string>("--target") { Description = "hosted (POSIX, gcc/clang) or kernel (Windows, MSVC dialect)", DefaultValueFactory = _ => "hosted" };
        target.AcceptOnlyFromAmong("hosted", "kernel");
        var entry = new Option<string?>("--entry") { Description = "roots: an attribute name (default: Export) or Namespace.Type::Method" };
        var noBounds = new Option<bool>("--no-bounds-checks") { Description = "omit span and table bounds checks (measurements only)" };
        var module = new Option<string?>("--module") { Description = "base name of the generated files (default: from the assembly name)" };

        var compile = new Command("compile", "transpile an assembly's kernel-subset C# to C");
        compile.Arguments.Add(assembly);
        compile.Options.Add(output);
        compile.Options.Add(target);
        compile.Options.Add(entry);
        compile.Options.Add(noBounds);
        compile.Options.Add(module);
        compile.SetAction(result =>
        {
            var options = new CompilerOptions
            {
                Target = result.GetValue(target) == "kernel" ? Target.Kernel : Target.Hosted,
                Entry = result.GetValue(entry),
                BoundsChecks = !result.GetValue(noBounds),
                ModuleName = result.GetValue(module),
            };
            return Run(result.GetValue(assembly)!, result.GetValue(output)!, options);
        });

        var root = new RootCommand("ovpn-il2c: the OvpnDco IL→C compiler");
        root.Subcommands.Add(compile);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                Console.Error.WriteLine($"ovpn-il2c: {error.Message}");
            return 2;
        }
        return parsed.Invoke();
    }

    private static int Run(FileInfo assembly, DirectoryInfo output, CompilerOptions options)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var result = IlToC.Compile(assembly.FullName, options);
            IlToC.WriteOutput(result, output.FullName);
            Console.WriteLine($"ovpn-il2c: {assembly.Name} → {output.FullName}: {result.FunctionCount} functions, " +
                              $"{result.Files.Count} files, {clock.ElapsedMilliseconds} ms, sha256 {result.Sha256()}");
            return 0;
        }
        catch (CompileError e)
        {
            IlToC.RemoveOutput(output.FullName);
            Console.Error.WriteLine(e.Format());
            return 1;
        }
    }
}
