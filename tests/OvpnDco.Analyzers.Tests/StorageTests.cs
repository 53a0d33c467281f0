using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>OVD0013: reference-typed storage and instance state in classes.</summary>
public class StorageTests
{
    [Test]
    public Task ReferenceTypedStorageIsReported() => VerifyAsync("""
        using System;
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        struct Holder
        {
            public Session {|#0:Owner|};
            public static byte[] {|#1:Buffer|};
            public object {|#2:Tag|} { get; set; }
            public Span<Session> {|#3:Peers|} => default;

            static IShape {|#4:Find|}(int[] {|#5:ids|})
            {
                object {|#6:o|} = null;
                return null;
            }
        }
        """,
        Diagnostic("OVD0013", 0, "field 'Owner' of type 'Session'"),
        Diagnostic("OVD0013", 1, "field 'Buffer' of type 'byte[]'"),
        Diagnostic("OVD0013", 2, "property 'Tag' of type 'object'"),
        Diagnostic("OVD0013", 3, "property 'Peers' of type 'Span<Session>'"),
        Diagnostic("OVD0013", 4, "method 'Find' returning 'IShape'"),
        Diagnostic("OVD0013", 5, "parameter 'ids' of type 'int[]'"),
        Diagnostic("OVD0013", 6, "local 'o' of type 'object'"));

    [Test]
    public Task InstanceStateInClassesIsReported() => VerifyAsync("""
        using OvpnDco.Runtime;

        [KernelCode]
        sealed class Context
        {
            int {|#0:_count|};
            public int {|#1:Total|} { get; set; }
            static int Shared;
            const int Limit = 4;
            public int Computed => Shared + Limit;
        }
        """,
        Diagnostic("OVD0013", 0, "instance state '_count' in class 'Context'"),
        Diagnostic("OVD0013", 1, "instance state 'Total' in class 'Context'"));

    [Test]
    public Task ValueTypesPointersSpansAndStaticClassesAreAllowed() => VerifyAsync("""
        using System;
        using OvpnDco.Runtime;

        [KernelCode]
        unsafe struct Packet
        {
            public byte* Data;
            public int Length;
            public fixed byte Header[16];
            public (int Id, uint Seq) Key;
            public int? Optional;

            public Span<byte> Payload => new Span<byte>(Data, Length);

            public static ref byte First(ref Packet p, in int offset, out int length)
            {
                length = p.Length;
                return ref p.Data[offset];
            }
        }

        [KernelCode]
        static class Registry
        {
            static Packet Current;
            static nuint Count;
            static readonly ushort[] Ports = { 1194, 443 };

            static int Use<T>(T value, ReadOnlySpan<T> values) where T : unmanaged => values.Length + Ports.Length;
        }
        """);
}
