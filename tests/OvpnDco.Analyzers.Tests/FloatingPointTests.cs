using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>OVD0001: floating point.</summary>
public class FloatingPointTests
{
    [Test]
    public Task FloatingPointDeclarationsAreReported() => VerifyAsync("""
        using System;
        using OvpnDco.Runtime;

        [KernelCode]
        struct Sample
        {
            public float {|OVD0001:Gain|};
            const double {|OVD0001:Pi|} = 3.14159;
            public static double {|OVD0001:Scale|}(decimal {|OVD0001:amount|}) => (double)amount;
            public Half {|OVD0001:Small|} => default;

            static void Locals()
            {
                var {|OVD0001:h|} = (Half)1;
                Span<float> {|OVD0001:buffer|} = stackalloc float[4];
            }
        }
        """);

    [Test]
    public Task FloatingPointExpressionsAreReportedOnceAtTheOutermostExpression() => VerifyAsync("""
        using System;
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        static class Math2
        {
            static int Ratio(int a, int b) => {|OVD0001:(int)((double)a / b * 100.0)|};
            static bool Above(int a) => {|OVD0001:a > 1.5|};
            static int Root(int a) => {|OVD0001:(int)Math.Sqrt(a)|};
            static void Call() => Lib.TakeFloat({|#0:0.5f|});
            static T Id<T>(T value) => value;
            static void Generic() => {|OVD0001:Id<double>(0)|};
        }
        """, Diagnostic("OVD0001", 0, "floating-point literal '0.5f'"));

    [Test]
    public Task IntegerArithmeticIsAllowed() => VerifyAsync("""
        using OvpnDco.Runtime;

        [KernelCode]
        static class Math2
        {
            static int Mul(int a, int b) => checked(a * b);
            static uint Wrap(uint a) => unchecked(a + 0xFFFFFFFFu);
            static long Shift(long a, int n) => (a << n) >> 3;
            static int Size() => sizeof(double);
        }
        """);
}
