using Microsoft.CodeAnalysis;

namespace OvpnDco.Analyzers;

/// <summary>The descriptors of every kernel-subset diagnostic. All are errors: the IL→C compiler refuses them too.</summary>
public static class Descriptors
{
    /// <summary>Category shared by every kernel-subset rule.</summary>
    public const string Category = "KernelSubset";

    // No help link: the repository has no published URL yet. The description points at the documentation.
    private static DiagnosticDescriptor Rule(string id, string title, string message, string description) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            description: description + " See docs/diagnostics.md, section " + id + ".");

    /// <summary>OVD0001.</summary>
    public static readonly DiagnosticDescriptor FloatingPoint = Rule(DiagnosticIds.FloatingPoint,
        "Floating point is not supported in kernel code",
        "{0} is not supported in kernel code: floating point is not available in the kernel; use integer or fixed-point arithmetic",
        "Kernel code runs without a saved FPU/SIMD state; float, double, decimal, Half and NFloat types, literals and operations are forbidden.");

    /// <summary>OVD0002.</summary>
    public static readonly DiagnosticDescriptor ReferenceAllocation = Rule(DiagnosticIds.ReferenceAllocation,
        "Reference-type allocation is not supported in kernel code",
        "{0} is not supported in kernel code: there is no GC heap; use structs, stackalloc, static readonly tables or platform pool allocation",
        "The kernel runtime has no garbage collector. new of a class, arrays (except constant primitive tables), anonymous objects, 'with' on record classes and implicit params arrays allocate on the GC heap.");

    /// <summary>OVD0003.</summary>
    public static readonly DiagnosticDescriptor Boxing = Rule(DiagnosticIds.Boxing,
        "Boxing is not supported in kernel code",
        "{0} is not supported in kernel code: boxing allocates a heap object; use the value directly or a generic type parameter",
        "Boxing copies a value type into a GC heap object. Conversions of value types to object, ValueType, Enum or an interface, calls of non-overridden object members on structs and formatting value types in string interpolation box.");

    /// <summary>OVD0004.</summary>
    public static readonly DiagnosticDescriptor Exceptions = Rule(DiagnosticIds.Exceptions,
        "Exceptions are not supported in kernel code",
        "{0} is not supported in kernel code: there is no exception handling in the kernel runtime; return a status code instead",
        "The kernel runtime has no exception unwinding: throw statements and expressions, try/catch and try/finally are forbidden. Failed checks call the fail-fast hook.");

    /// <summary>OVD0005.</summary>
    public static readonly DiagnosticDescriptor Delegates = Rule(DiagnosticIds.Delegates,
        "Lambdas and delegates are not supported in kernel code",
        "{0} is not supported in kernel code: delegates and closures are heap objects; use a static method, a generic type parameter or a function pointer (delegate* unmanaged)",
        "Lambdas, anonymous methods, local functions that capture state, delegate types, delegate creation and invocation, and events are forbidden. Function pointers and non-capturing local functions are allowed.");

    /// <summary>OVD0006.</summary>
    public static readonly DiagnosticDescriptor Linq = Rule(DiagnosticIds.Linq,
        "LINQ is not supported in kernel code",
        "{0} is not supported in kernel code: LINQ allocates enumerators and delegates; write a loop",
        "LINQ query expressions and calls into System.Linq allocate iterators and closures.");

    /// <summary>OVD0007.</summary>
    public static readonly DiagnosticDescriptor AsyncAndIterators = Rule(DiagnosticIds.AsyncAndIterators,
        "async and iterators are not supported in kernel code",
        "{0} is not supported in kernel code: state machines live on the GC heap; use explicit completion callbacks and state structs",
        "async methods, await, and iterators (yield) are compiled to heap-allocated state machines.");

    /// <summary>OVD0008.</summary>
    public static readonly DiagnosticDescriptor Lock = Rule(DiagnosticIds.Lock,
        "lock and Monitor are not supported in kernel code",
        "{0} is not supported in kernel code: use the platform spin lock (TPlatform) instead",
        "The lock statement, System.Threading.Monitor and System.Threading.Lock rely on the managed runtime's object headers and wait queues.");

    /// <summary>OVD0009.</summary>
    public static readonly DiagnosticDescriptor NonLiteralString = Rule(DiagnosticIds.NonLiteralString,
        "Only string literals are supported in kernel code",
        "{0} is not supported in kernel code: strings are GC objects; only string literals (and const strings) passed directly as arguments, e.g. to tracing, are allowed",
        "Strings are immutable GC objects. Kernel code may pass string literals, const strings and nameof directly as arguments; string variables, fields, parameters of methods with bodies, return values, concatenation, non-constant interpolation and string members are forbidden.");

    /// <summary>OVD0010.</summary>
    public static readonly DiagnosticDescriptor Finalizer = Rule(DiagnosticIds.Finalizer,
        "Finalizers are not supported in kernel code",
        "{0} is not supported in kernel code: there is no GC to run it; free resources explicitly",
        "Finalizers run from the garbage collector, which the kernel runtime does not have.");

    /// <summary>OVD0011.</summary>
    public static readonly DiagnosticDescriptor Reflection = Rule(DiagnosticIds.Reflection,
        "Reflection and dynamic are not supported in kernel code",
        "{0} is not supported in kernel code: there is no runtime type metadata in the kernel",
        "typeof (except typeof(A) == typeof(B) comparisons, folded after monomorphization), GetType, System.Type, System.Reflection, System.Activator and dynamic need runtime metadata the kernel runtime does not keep.");

    /// <summary>OVD0012.</summary>
    public static readonly DiagnosticDescriptor VirtualDispatch = Rule(DiagnosticIds.VirtualDispatch,
        "Virtual dispatch is not supported in kernel code",
        "{0} is not supported in kernel code: there are no vtables; use a struct, a sealed static method or a generic type parameter constrained to the interface",
        "Virtual, abstract and override members of classes, virtual calls, and interface calls on interface-typed values need vtables and objects. Calls through a constrained generic type parameter (including static abstract members) are allowed.");

    /// <summary>OVD0013.</summary>
    public static readonly DiagnosticDescriptor ReferenceStorage = Rule(DiagnosticIds.ReferenceStorage,
        "Reference-typed storage is not supported in kernel code",
        "{0} is not supported in kernel code: there are no heap objects; use a struct, a pointer, a Span<T> or a generic type parameter",
        "Fields, locals, parameters and return values of class, interface, object or array type (except static readonly constant tables), and instance fields of classes, presuppose GC heap objects.");

    /// <summary>OVD0014.</summary>
    public static readonly DiagnosticDescriptor RuntimeTypeTest = Rule(DiagnosticIds.RuntimeTypeTest,
        "Runtime type tests are not supported in kernel code",
        "{0} is not supported in kernel code: there is no runtime type information; use a field that says which variant a value is",
        "is/as, type and declaration patterns that test a type, downcasts and unboxing need runtime type information.");

    /// <summary>OVD0015.</summary>
    public static readonly DiagnosticDescriptor RawOwnedPointer = Rule(DiagnosticIds.RawOwnedPointer,
        "A raw pointer to an owned object outside its owner",
        "{0} is not supported in kernel code: it points at '{1}', which only '{2}' may hold; store a generation-checked handle and resolve it where it is used",
        "Structs marked [OwnedBy(typeof(Owner))] are freed explicitly while other structures may still name them. Only the owner keeps raw pointers to them in fields; everything else keeps a handle that fails closed once the object is gone, and holds a raw pointer only in locals and parameters within one entry point.");

    /// <summary>OVD0016. Reported at the end of the compilation (the call graph is needed), hence the tag.</summary>
    public static readonly DiagnosticDescriptor IrqlTooHigh = new(DiagnosticIds.IrqlTooHigh,
        "A PASSIVE_LEVEL-only or pageable method called at DISPATCH_LEVEL",
        "{0} is not supported in kernel code: {1} may run at DISPATCH_LEVEL and '{2}' {3}; call it from PASSIVE_LEVEL code (a work item) or make it callable at DISPATCH_LEVEL",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Code that runs at DISPATCH_LEVEL (a method marked [Irql(KIrql.Dispatch)], everything it calls in the same compilation, and code after an [IrqlRaises] call such as a spin-lock acquire until the matching [IrqlRestores] release) must not call a method marked [Irql(KIrql.Passive)] or [Pageable]: a page fault or a wait at DISPATCH_LEVEL is bug check 0xD1/0xA. See docs/diagnostics.md, section OVD0016.",
        customTags: WellKnownDiagnosticTags.CompilationEnd);
}
