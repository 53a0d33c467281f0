using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>OVD0003: boxing.</summary>
public class BoxingTests
{
    private const string Types = """
        using System;
        using OvpnDco.Runtime;
        using Outside;

        [Flags]
        enum Flags { None = 0, A = 1, B = 2 }

        [KernelCode]
        struct Peer { public int Id; }

        [KernelCode]
        struct Key
        {
            public int Value;
            public override int GetHashCode() => Value;
        }

        """;

    [Test]
    public Task BoxingConversionsAreReported() => VerifyAsync(Types + """
        [KernelCode]
        static class Uses
        {
            static void Box(Peer peer, int n)
            {
                Lib.Sink({|#0:peer|});
                IComparable<int> {|OVD0013:c|} = {|#1:n|};
                ValueType {|OVD0013:v|} = {|OVD0003:n|};
                int? maybe = n;
                Lib.Sink({|OVD0003:maybe|});
            }

            static void Generic<T>(T value) => Lib.Sink({|OVD0003:value|});
        }
        """,
        Diagnostic("OVD0003", 0, "boxing of 'Peer' to 'object'"),
        Diagnostic("OVD0003", 1, "boxing of 'int' to 'IComparable<int>'"));

    [Test]
    public Task ObjectMembersOnStructsThatDoNotOverrideThemAreReported() => VerifyAsync(Types + """
        [KernelCode]
        static class Uses
        {
            static int Hash(Peer peer) => {|#0:peer.GetHashCode()|};
            static bool Same(Peer a, Peer b) => {|OVD0003:a.Equals({|OVD0003:b|})|};
            static bool Has(Flags f) => {|OVD0003:f.HasFlag({|OVD0003:Flags.A|})|};
            static int Overridden(Key key) => key.GetHashCode();
        }
        """, Diagnostic("OVD0003", 0, "call of 'ValueType.GetHashCode' on value type 'Peer' that does not override it"));

    [Test]
    public Task ValueTypesInStringInterpolationAreReported() => VerifyAsync(Types + """
        [KernelCode]
        static class Uses
        {
            static void Log(int n) => Lib.Trace({|OVD0009:$"n={{|#0:n|}}"|});
        }
        """, Diagnostic("OVD0003", 0, "formatting of value type 'int' in string interpolation"));

    [Test]
    public Task ConstrainedGenericCallsDoNotBox() => VerifyAsync(Types + """
        [KernelCode]
        static class Uses
        {
            static bool Same<T>(T a, T b) where T : struct, IEquatable<T> => a.Equals(b);
            static int Compare<T>(T a, T b) where T : IComparable<T> => a.CompareTo(b);
            static int Direct(Key key) => key.Value;
        }
        """);
}
