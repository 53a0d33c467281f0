using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>OVD0002: reference-type allocation.</summary>
public class AllocationTests
{
    [Test]
    public Task NewOfAClassIsReported() => VerifyAsync("""
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        static class Peers
        {
            static void Create() => _ = {|#0:new Session()|};
        }
        """, Diagnostic("OVD0002", 0, "allocation of reference type 'Session'"));

    [Test]
    public Task ArraysAreReported() => VerifyAsync("""
        using System;
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        static class Buffers
        {
            static int X;

            static void Arrays()
            {
                Span<byte> scratch = {|OVD0002:new byte[16]|};
                ReadOnlySpan<int> notConstant = {|OVD0002:new int[] { 1, X }|};
                Lib.Take({|OVD0002:[1, 2, 3]|});
            }
        }
        """);

    [Test]
    public Task ParamsArrayIsReported() => VerifyAsync("""
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        static class Calls
        {
            static int Total() => {|#0:Lib.Sum(1, 2, 3)|};
        }
        """, Diagnostic("OVD0002", 0, "implicit 'params' array 'int[]'"));

    [Test]
    public Task AnonymousObjectsRecordCopiesAndNewOfTypeParametersAreReported() => VerifyAsync("""
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        static class Misc
        {
            static void Anonymous() => _ = {|OVD0002:new { X = 1 }|};
            static void Copy(Point {|OVD0013:p|}) => _ = {|OVD0002:p with { X = 2 }|};
            static T Make<T>() where T : new() => {|OVD0002:new T()|};
        }
        """);

    [Test]
    public Task TablesOfNonConstantsOrNotStaticReadonlyAreReported() => VerifyAsync("""
        using OvpnDco.Runtime;

        [KernelCode]
        static class Tables
        {
            static int X = 3;
            static byte[] {|OVD0013:Mutable|} = {|OVD0002:{ 1, 2 }|};
            static readonly int[] NotConstant = {|OVD0002:{ 1, X }|};
            static readonly string[] {|OVD0013:Names|} = {|OVD0002:{ "a" }|};
        }
        """);

    [Test]
    public Task ConstantTablesStackallocAndStructsAreAllowed() => VerifyAsync("""
        using System;
        using OvpnDco.Runtime;

        enum Kind : byte { A, B }

        struct Header { public int Length; }

        [KernelCode]
        static class Tables
        {
            static ReadOnlySpan<byte> Sbox => new byte[] { 0x63, 0x7c, 0x77 };
            static ReadOnlySpan<uint> Words => new uint[] { 1, 2, 3 };
            static ReadOnlySpan<ushort> Short => [1, 2];
            static readonly uint[] Crc = { 0x00000000, 0x77073096 };
            static readonly byte[] Key = new byte[] { 1, 2 };
            static readonly Kind[] Kinds = [Kind.A, Kind.B];

            static int Use()
            {
                Span<byte> stack = stackalloc byte[16];
                Span<int> inline = [1, 2, 3];
                var header = new Header { Length = 4 };
                Header other = default;
                return stack.Length + inline[0] + header.Length + other.Length + Crc[0] > 0 ? Sbox[0] : Key[1];
            }

            static T Make<T>() where T : struct => new T();
        }
        """);
}
