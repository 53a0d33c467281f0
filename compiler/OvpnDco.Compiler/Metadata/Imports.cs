using System.Linq;
using Mono.Cecil;

namespace OvpnDco.Compiler.Metadata;

/// <summary>Reads [Export]/[Import] from metadata (matched by name: the compiler does not load OvpnDco.Runtime).</summary>
public static class Imports
{
    public const string ExportAttribute = "OvpnDco.Runtime.ExportAttribute";
    public const string ImportAttribute = "OvpnDco.Runtime.ImportAttribute";
    public const string KernelCodeAttribute = "OvpnDco.Runtime.KernelCodeAttribute";

    /// <summary>The C name of an [Import] method, or null.</summary>
    public static string? Of(MethodDefinition m) => Argument(m, ImportAttribute);

    /// <summary>The header an [Import] names (Header = "..."), or null.</summary>
    public static string? HeaderOf(MethodDefinition m) =>
        m.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == ImportAttribute)?
            .Properties.FirstOrDefault(p => p.Name == "Header").Argument.Value as string;

    /// <summary>The C name of an [Export] method, or null.</summary>
    public static string? ExportOf(MethodDefinition m) => Argument(m, ExportAttribute);

    private static string? Argument(MethodDefinition m, string attribute) =>
        m.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == attribute) is { } attr && attr.ConstructorArguments.Count == 1
            ? attr.ConstructorArguments[0].Value as string
            : null;
}
