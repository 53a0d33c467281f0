using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace OvpnDco.TestSupport;

/// <summary>Runs the C toolchains (gcc with sanitizers, clang-14 in the MSVC dialect) and built programs.</summary>
public static class NativeToolchain
{
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "OvpnDco.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }

    public static string Include => Path.Combine(RepoRoot, "runtime-kernel", "include");

    public static string HostedSources => string.Join(" ", Directory.GetFiles(Path.Combine(RepoRoot, "runtime-kernel", "hosted"), "*.c").Select(Quote));

    public static string Clang => File.Exists("/usr/bin/clang-14") ? "clang-14" : "clang";

    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs a shell command line (bash -c) with the sanitizer options the tests expect.</summary>
    public static Result Run(string commandLine, string? workingDirectory = null, int timeoutMs = 120_000) =>
        Start(new ProcessStartInfo("bash", new[] { "-c", commandLine }) { WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory },
            commandLine, timeoutMs);

    /// <summary>Runs a program with an argument list (no shell, no quoting); output is stdout followed by stderr.</summary>
    public static (int ExitCode, string Output) Exec(string file, IEnumerable<string> arguments, int timeoutMs = 180_000)
    {
        var psi = new ProcessStartInfo(file);
        foreach (var a in arguments)
            psi.ArgumentList.Add(a);
        var result = Start(psi, file, timeoutMs);
        return (result.ExitCode, result.Stdout + result.Stderr);
    }

    private static Result Start(ProcessStartInfo psi, string what, int timeoutMs)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        // A test host run with the sanitizer runtime preloaded (the native driver suite) must not pass it on to
        // gcc, clang or the programs under test: they link their own.
        psi.Environment.Remove("LD_PRELOAD");
        psi.Environment["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=1";
        psi.Environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"timed out: {what}");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The flags the issue names for the differential runs.</summary>
    public const string GccFlags = "-std=c11 -O2 -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all -g";

    /// <summary>
    /// clang -Weverything minus these, each for a reason:
    /// -Wno-declaration-after-statement: C11 allows it; -Wno-unused-function: static inline runtime helpers not used by every module;
    /// -Wno-cast-qual: ReadOnlySpan over const tables holds a plain pointer, as C#'s does;
    /// -Wno-cast-align: MemoryMarshal.Cast / Unsafe.As reinterpret memory exactly as the C# code asks (its alignment contract);
    /// -Wno-unused-label none needed (labels only at branch targets); -Wno-padded: struct padding mirrors .NET layout on purpose;
    /// -Wno-missing-prototypes none needed (internal functions are static with prototypes);
    /// -Wno-unreachable-code-break / -Wno-unreachable-code: the compiler emits 'default: break;' after goto-only switches and keeps IL's dead code shape;
    /// -Wno-missing-variable-declarations none; -Wno-reserved-identifier: none; -Wno-gnu-statement-expression: none.
    /// </summary>
    public const string WeverythingFlags =
        "-std=c11 -Weverything -Werror -Wno-declaration-after-statement -Wno-unused-function -Wno-cast-qual -Wno-cast-align -Wno-padded " +
        "-Wno-unreachable-code-break -Wno-unreachable-code";
}
