namespace OvpnDco.Compiler.Diagnostics;

/// <summary>The compiler's diagnostic codes; docs/diagnostics.md explains each with an example.</summary>
public static class ErrorCodes
{
    public const string UnsupportedOpcode = "IL2C0001";
    public const string FloatingPoint = "IL2C0002";
    public const string ReferenceTypeAllocation = "IL2C0003";
    public const string Exceptions = "IL2C0004";
    public const string Strings = "IL2C0005";
    public const string VirtualDispatch = "IL2C0006";
    public const string Boxing = "IL2C0007";
    public const string UnsupportedCall = "IL2C0008";
    public const string UnsupportedType = "IL2C0009";
    public const string StaticConstructor = "IL2C0010";
    public const string BadExport = "IL2C0011";
    public const string NoEntryPoints = "IL2C0012";
    public const string UnresolvedMember = "IL2C0013";
    public const string UnsupportedStack = "IL2C0014";
    public const string BadAssembly = "IL2C0015";
    public const string BadExternType = "IL2C0016";
}
