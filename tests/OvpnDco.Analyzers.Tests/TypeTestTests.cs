using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>OVD0014: runtime type tests, downcasts and unboxing.</summary>
public class TypeTestTests
{
    [Test]
    public Task TypeTestsCastsAndUnboxingAreReported() => VerifyAsync("""
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        static class Tests
        {
            static void Check(object {|OVD0013:o|})
            {
                _ = {|#0:o is Session|};
                if (o is {|#1:Session {|OVD0013:s|}|}) { }
                _ = {|#2:o as Session|};
                _ = {|#3:(Session)o|};
                _ = {|#4:(int)o|};
            }

            static bool Generic<T>(T value) => {|#5:value is int|};
        }
        """,
        Diagnostic("OVD0014", 0, "type test 'is Session'"),
        Diagnostic("OVD0014", 1, "type pattern testing 'object' for 'Session'"),
        Diagnostic("OVD0014", 2, "'as Session' cast from 'object'"),
        Diagnostic("OVD0014", 3, "downcast from 'object' to 'Session'"),
        Diagnostic("OVD0014", 4, "unboxing of 'object' to 'int'"),
        Diagnostic("OVD0014", 5, "type test 'is int'"));

    [Test]
    public Task PatternsThatDoNotTestTheTypeAreAllowed() => VerifyAsync("""
        using System;
        using OvpnDco.Runtime;

        enum State { Idle, Up, Down }

        [KernelCode]
        static class Tests
        {
            static int Match(int n, int? maybe, ReadOnlySpan<byte> data, State state)
            {
                int r = 0;
                if (n is 5 or > 10) r++;
                if (maybe is int value) r += value;
                if (data is { Length: 4 }) r++;
                if (data is [0x45, ..]) r++;
                if (n is int same) r += same;
                r += state switch { State.Up => 1, State.Down => 2, _ => 0 };
                switch (n)
                {
                    case 1: r++; break;
                    case var other when other > 3: r += other; break;
                }
                return r + (int)(uint)n + (byte)state;
            }
        }
        """);
}
