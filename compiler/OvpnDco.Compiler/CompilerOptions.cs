namespace OvpnDco.Compiler;

/// <summary>Which runtime backend the generated C is for.</summary>
public enum Target
{
    /// <summary>POSIX user space: gcc/clang, runtime-kernel/hosted, OpenSSL.</summary>
    Hosted,

    /// <summary>Windows kernel: MSVC dialect, no GNU extensions, runtime-kernel/km.</summary>
    Kernel,
}

/// <summary>What to compile and how.</summary>
public sealed record CompilerOptions
{
    public Target Target { get; init; } = Target.Hosted;

    /// <summary>Span/table bounds checks (on by default; off only for measurements).</summary>
    public bool BoundsChecks { get; init; } = true;

    /// <summary>
    /// Roots: null = every [Export] method; otherwise an attribute name (e.g. <c>ExportAttribute</c>) or a
    /// method given as <c>Namespace.Type::Method</c>.
    /// </summary>
    public string? Entry { get; init; }

    /// <summary>Base name of the generated files (<c>name.h</c>, <c>name.c</c>); default from the assembly.</summary>
    public string? ModuleName { get; init; }
}
