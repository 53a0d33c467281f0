using System.Threading.Tasks;
using OvpnDco.Generators.Dispatch;
using OvpnDco.Generators.Uapi;

namespace OvpnDco.Generators.Tests;

/// <summary>Every OVDG diagnostic, each from the smallest input that triggers it, with its location and message.</summary>
public class DiagnosticTests
{
    private const string Usings = "using System;\nusing System.Runtime.InteropServices;\nusing OvpnDco.Runtime.Uapi;\n";

    private static Task Header(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected)
        => GeneratorTest<UapiHeaderGenerator>.VerifyDiagnosticsAsync(Usings + source, expected);

    private static Task Dispatch(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected)
        => GeneratorTest<IoctlDispatchGenerator>.VerifyDiagnosticsAsync(Usings + source, expected);

    private const string Handler = "(ref int state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned) => NtStatus.Success;";

    // ---- OVDG0001 duplicate function numbers ----

    [Test]
    public Task DuplicateHandlerFunction() => Dispatch($$"""
        static partial class D
        {
            [Ioctl(3)] static NtStatus A{{Handler}}
            [Ioctl(0x0022000Cu)] static NtStatus {|#0:B|}{{Handler}}
        }
        """, GeneratorTest<IoctlDispatchGenerator>.Error("OVDG0001", 0).WithArguments("3", "A", "B"));

    [Test]
    public Task DuplicateUapiIoctlFunction() => Header("""
        static class Codes
        {
            [UapiIoctl("X_ONE", 1)] public const uint One = 0x00220004;
            [UapiIoctl("X_ALSO_ONE", 1)] public const uint {|#0:AlsoOne|} = 0x00220004;
        }
        """, GeneratorTest<UapiHeaderGenerator>.Error("OVDG0001", 0).WithArguments("1", "Codes.One", "Codes.AlsoOne"));

    // ---- OVDG0002 not blittable ----

    [TestCase("bool", "bool has no fixed C size; use a byte or int")]
    [TestCase("char", "char is UTF-16 in C# and 1 byte in C; use ushort or byte")]
    [TestCase("nint", "its size differs between x86 and x64; use int or long")]
    [TestCase("float", "floating point is not allowed in kernel code")]
    [TestCase("string", "it is a reference type (no GC memory crosses the boundary)")]
    [TestCase("int*", "pointers differ in size between x86 and x64 and must not reach user space")]
    public Task NotBlittableField(string type, string reason) => Header($$"""
        [UapiStruct("BAD")]
        [StructLayout(LayoutKind.Explicit, Size = 8)]
        unsafe struct Bad
        {
            [FieldOffset(0)] public int Ok;
            [FieldOffset(4)] public {{type}} {|#0:Wrong|};
        }
        """, GeneratorTest<UapiHeaderGenerator>.Error("OVDG0002", 0).WithArguments("Bad", "Wrong", type == "nint" ? "nint" : type, reason));

    [Test]
    public Task FieldOfAStructThatIsNotUapi() => Header("""
        struct Plain { public int X; }

        [UapiStruct("BAD")]
        [StructLayout(LayoutKind.Explicit, Size = 4)]
        struct Bad
        {
            [FieldOffset(0)] public Plain {|#0:Inner|};
        }
        """, GeneratorTest<UapiHeaderGenerator>.Error("OVDG0002", 0)
            .WithArguments("Bad", "Inner", "Plain", "it is not a UAPI type; give it [UapiStruct], [UapiUnion] or [UapiExternal]"));

    // ---- OVDG0003 explicit layout ----

    [Test]
    public Task SequentialLayoutIsRejected() => Header("""
        [UapiStruct("SEQ")]
        struct {|#0:Seq|}
        {
            public int A;
        }
        """, GeneratorTest<UapiHeaderGenerator>.Error("OVDG0003", 0)
            .WithArguments("Seq", "it has no [StructLayout(LayoutKind.Explicit)] (the C# offsets are the ABI and must be written down)"));

    // ---- OVDG0004 C layout mismatch ----

    [Test]
    public Task MisalignedFieldIsRejected() => Header("""
        [UapiStruct("MIS")]
        [StructLayout(LayoutKind.Explicit, Size = 8)]
        struct Mis
        {
            [FieldOffset(0)] public byte A;
            [FieldOffset(2)] public int {|#0:B|};
        }
        """, GeneratorTest<UapiHeaderGenerator>.Error("OVDG0004", 0).WithArguments("Mis",
            "field 'B' is at offset 2 in C# but a C compiler puts it at 4 (after 'A', which ends at 1, aligned to 4); add an explicit padding field or fix the [FieldOffset]"));

    [Test]
    public Task OverlappingFieldsAreRejected() => Header("""
        [UapiStruct("OVL")]
        [StructLayout(LayoutKind.Explicit, Size = 8)]
        struct Ovl
        {
            [FieldOffset(0)] public long A;
            [FieldOffset(4)] public int {|#0:B|};
        }
        """, GeneratorTest<UapiHeaderGenerator>.Error("OVDG0004", 0).WithArguments("Ovl",
            "field 'B' at offset 4 overlaps 'A' (ends at 8); overlapping members belong in a [UapiUnion] type"));

    [Test]
    public Task WrongSizeIsRejected() => Header("""
        [UapiStruct("SZ")]
        [StructLayout(LayoutKind.Explicit, Size = 6)]
        struct {|#0:Sz|}
        {
            [FieldOffset(0)] public int A;
            [FieldOffset(4)] public byte B;
        }
        """, GeneratorTest<UapiHeaderGenerator>.Error("OVDG0004", 0).WithArguments("Sz",
            "StructLayout Size is 6 but the C struct of these fields is 8 bytes"));

    // ---- OVDG0005 handler signature ----

    [TestCase("NtStatus", "static NtStatus {|#0:H|}(ref int state, ReadOnlySpan<byte> input, Span<byte> output)",
        "it has 3 parameter(s) instead of 4")]
    [TestCase("int", "static int {|#0:H|}(ref int state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)",
        "it returns 'int' instead of 'NtStatus'")]
    [TestCase("NtStatus", "NtStatus {|#0:H|}(ref int state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)",
        "it is not static")]
    [TestCase("NtStatus", "static NtStatus {|#0:H|}(int state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)",
        "the first parameter must be 'ref TState', not 'int'")]
    [TestCase("NtStatus", "static NtStatus {|#0:H|}(ref int state, byte[] input, Span<byte> output, ref int bytesReturned)",
        "the second parameter must be 'ReadOnlySpan<byte> input', not 'byte[]'")]
    [TestCase("NtStatus", "static NtStatus {|#0:H|}(ref int state, ReadOnlySpan<byte> input, Span<int> output, ref int bytesReturned)",
        "the third parameter must be 'Span<byte> output', not 'System.Span<int>'")]
    [TestCase("NtStatus", "static NtStatus {|#0:H|}(ref int state, ReadOnlySpan<byte> input, Span<byte> output, out int bytesReturned)",
        "the fourth parameter must be 'ref int bytesReturned', not 'out int'")]
    [TestCase("NtStatus", "static NtStatus {|#0:H|}<T>(ref T state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)",
        "it must not be generic")]
    public Task WrongHandlerSignature(string returnType, string declaration, string problem)
    {
        string body = returnType == "int" ? "=> 0;" : declaration.Contains("out int") ? "{ bytesReturned = 0; return NtStatus.Success; }" : "=> NtStatus.Success;";
        return Dispatch($$"""
            partial class D
            {
                [Ioctl(1)] {{declaration}} {{body}}
            }
            """, GeneratorTest<IoctlDispatchGenerator>.Error("OVDG0005", 0).WithArguments("H", problem));
    }

    // ---- OVDG0006 partial ----

    [Test]
    public Task HandlersInANonPartialType() => Dispatch($$"""
        static class D
        {
            [Ioctl(1)] static NtStatus {|#0:H|}{{Handler}}
        }
        """, GeneratorTest<IoctlDispatchGenerator>.Error("OVDG0006", 0).WithArguments("D"));

    [Test]
    public Task HandlersInsideANonPartialOuterType() => Dispatch($$"""
        class Outer
        {
            partial class D
            {
                [Ioctl(1)] static NtStatus {|#0:H|}{{Handler}}
            }
        }
        """, GeneratorTest<IoctlDispatchGenerator>.Error("OVDG0006", 0).WithArguments("Outer"));

    // ---- OVDG0007 state types ----

    [Test]
    public Task HandlersWithDifferentStateTypes() => Dispatch($$"""
        partial class D
        {
            [Ioctl(1)] static NtStatus A{{Handler}}
            [Ioctl(2)] static NtStatus {|#0:B|}(ref long state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned) => NtStatus.Success;
        }
        """, GeneratorTest<IoctlDispatchGenerator>.Error("OVDG0007", 0).WithArguments("B", "long", "A", "int"));

    // ---- OVDG0008 buffer types ----

    [TestCase("Input", "input", "string")]
    [TestCase("Output", "output", "object")]
    [TestCase("Input", "input", "bool")]
    public Task NonBlittableBufferType(string property, string role, string type) => Dispatch($$"""
        partial class D
        {
            [Ioctl(1, {{property}} = typeof({{type}}))] static NtStatus {|#0:H|}{{Handler}}
        }
        """, GeneratorTest<IoctlDispatchGenerator>.Error("OVDG0008", 0).WithArguments(role, type, "D.H"));

    // ---- OVDG0009 codes ----

    [Test]
    public Task UapiIoctlValueDisagreesWithTheFormula() => Header("""
        static class Codes
        {
            [UapiIoctl("X_TWO", 2)] public const uint {|#0:Two|} = 0x00220004;
        }
        """, GeneratorTest<UapiHeaderGenerator>.Error("OVDG0009", 0).WithArguments("Codes.Two",
            "value 0x00220004 is not CTL_CODE(FILE_DEVICE_UNKNOWN, 2, METHOD_BUFFERED, FILE_ANY_ACCESS) = 0x00220008"));

    [Test]
    public Task UapiIoctlMustBeAConstUint() => Header("""
        static class Codes
        {
            [UapiIoctl("X_ONE", 1)] public const int {|#0:One|} = 0x00220004;
        }
        """, GeneratorTest<UapiHeaderGenerator>.Error("OVDG0009", 0).WithArguments("Codes.One", "a [UapiIoctl] must be a 'const uint'"));

    [Test]
    public Task HandlerCodeOfAnotherDeviceType() => Dispatch($$"""
        partial class D
        {
            [Ioctl(0x00120004u)] static NtStatus {|#0:H|}{{Handler}}
        }
        """, GeneratorTest<IoctlDispatchGenerator>.Error("OVDG0009", 0).WithArguments("D.H",
            "0x00120004 is not CTL_CODE(FILE_DEVICE_UNKNOWN, 1..4095, METHOD_BUFFERED, FILE_ANY_ACCESS)"));

    [Test]
    public Task HandlerFunctionOutOfRange() => Dispatch($$"""
        partial class D
        {
            [Ioctl(4096)] static NtStatus {|#0:H|}{{Handler}}
        }
        """, GeneratorTest<IoctlDispatchGenerator>.Error("OVDG0009", 0).WithArguments("D.H", "function number 4096 is outside 1..4095"));

    // ---- OVDG0010 C names ----

    [Test]
    public Task DuplicateCName() => Header("""
        [UapiStruct("SAME")]
        [StructLayout(LayoutKind.Explicit, Size = 4)]
        struct First { [FieldOffset(0)] public int A; }

        [UapiStruct("SAME")]
        [StructLayout(LayoutKind.Explicit, Size = 4)]
        struct {|#0:Second|} { [FieldOffset(0)] public int A; }
        """, GeneratorTest<UapiHeaderGenerator>.Error("OVDG0010", 0).WithArguments("SAME", "First", "Second"));

    // ---- OVDG0011 unions ----

    [Test]
    public Task UnionMemberNotAtZero() => Header("""
        [UapiUnion]
        [StructLayout(LayoutKind.Explicit, Size = 8)]
        struct U
        {
            [FieldOffset(0)] public int A;
            [FieldOffset(4)] public int {|#0:B|};
        }
        """, GeneratorTest<UapiHeaderGenerator>.Error("OVDG0011", 0).WithArguments("U", "B", "4"));

    // ---- OVDG0012 enums ----

    [Test]
    public Task EnumWithAByteUnderlyingType() => Header("""
        [UapiEnum("SMALL")]
        enum {|#0:Small|} : byte { A = 1 }
        """, GeneratorTest<UapiHeaderGenerator>.Error("OVDG0012", 0).WithArguments("Small", "byte"));

    [Test]
    public Task DefinesEnumMayUseAnyIntegerType() => Header("""
        [UapiEnum("SMALL", Prefix = "SMALL_", Defines = true)]
        enum Small : byte { A = 1 }
        """);

    // ---- OVDG0013 handler vs uapi declaration ----

    private const string UapiDeclaration = """
        namespace OvpnDco.Uapi
        {
            public static class OvpnIoctl
            {
                [UapiIoctl("OVPN_IOCTL_NEW_PEER", 1, Input = typeof(int), Modes = IoctlModes.P2P)]
                public const uint NewPeer = 0x00220004;
            }
        }

        """;

    [TestCase("Input = typeof(long), Modes = IoctlModes.P2P", "Input = long, Output = none, Modes = P2P")]
    [TestCase("Input = typeof(int), Modes = IoctlModes.Any", "Input = int, Output = none, Modes = P2P | MP")]
    [TestCase("Input = typeof(int), Output = typeof(int), Modes = IoctlModes.P2P", "Input = int, Output = int, Modes = P2P")]
    public Task HandlerShapeDiffersFromTheUapi(string arguments, string handlerShape) => Dispatch(UapiDeclaration + $$"""
        partial class D
        {
            [Ioctl(OvpnDco.Uapi.OvpnIoctl.NewPeer, {{arguments}})] static NtStatus {|#0:H|}{{Handler}}
        }
        """, GeneratorTest<IoctlDispatchGenerator>.Error("OVDG0013", 0).WithArguments("H", handlerShape,
            "OvpnIoctl.NewPeer (OVPN_IOCTL_NEW_PEER)", "Input = int, Output = none, Modes = P2P"));

    [Test]
    public Task HandlerShapeMatchingTheUapi() => Dispatch(UapiDeclaration + $$"""
        partial class D
        {
            [Ioctl(1, Input = typeof(int), Modes = IoctlModes.P2P)] static NtStatus H{{Handler}}
            [Ioctl(2)] static NtStatus NotInTheUapi{{Handler}}
        }
        """);
}
