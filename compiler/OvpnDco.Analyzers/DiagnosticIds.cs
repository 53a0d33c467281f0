namespace OvpnDco.Analyzers;

/// <summary>
/// The IDs of the kernel-subset diagnostics. Each one is documented in docs/diagnostics.md with a bad and a
/// good example; IDs are never reused.
/// </summary>
public static class DiagnosticIds
{
    /// <summary>Floating-point types, literals and operations.</summary>
    public const string FloatingPoint = "OVD0001";
    /// <summary>Heap allocation of a reference type (class, array, anonymous object, params array...).</summary>
    public const string ReferenceAllocation = "OVD0002";
    /// <summary>Boxing of a value type.</summary>
    public const string Boxing = "OVD0003";
    /// <summary>throw, try/catch/finally.</summary>
    public const string Exceptions = "OVD0004";
    /// <summary>Lambdas, anonymous methods, capturing local functions, delegates and events.</summary>
    public const string Delegates = "OVD0005";
    /// <summary>LINQ query syntax and System.Linq calls.</summary>
    public const string Linq = "OVD0006";
    /// <summary>async/await and iterators.</summary>
    public const string AsyncAndIterators = "OVD0007";
    /// <summary>lock statements and System.Threading.Monitor / System.Threading.Lock.</summary>
    public const string Lock = "OVD0008";
    /// <summary>Strings that are not literals.</summary>
    public const string NonLiteralString = "OVD0009";
    /// <summary>Finalizers.</summary>
    public const string Finalizer = "OVD0010";
    /// <summary>Reflection and dynamic.</summary>
    public const string Reflection = "OVD0011";
    /// <summary>Virtual and interface dispatch on objects.</summary>
    public const string VirtualDispatch = "OVD0012";
    /// <summary>Storage of reference type (fields, locals, parameters, returns) and instance state in classes.</summary>
    public const string ReferenceStorage = "OVD0013";
    /// <summary>Runtime type tests and casts (is/as/type patterns, downcasts, unboxing).</summary>
    public const string RuntimeTypeTest = "OVD0014";
    /// <summary>A raw pointer to an explicitly freed ([OwnedBy]) struct stored in a field outside its owner.</summary>
    public const string RawOwnedPointer = "OVD0015";
    /// <summary>A PASSIVE_LEVEL-only or pageable method called from code that may run at DISPATCH_LEVEL.</summary>
    public const string IrqlTooHigh = "OVD0016";
}
