using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>Which code is kernel code: assembly, type, outer type or method carrying [KernelCode].</summary>
public class ScopeTests
{
    [Test]
    public Task CodeWithoutKernelCodeIsNeverReported() => VerifyAsync(Samples.Violations);

    [Test]
    public Task OnlyTheMarkedMethodIsKernelCode() => VerifyAsync("""
        using OvpnDco.Runtime;

        static class Mixed
        {
            [KernelCode]
            static int Kernel() => {|OVD0001:(int)2.5|};

            static int Managed() => (int)2.5;
        }
        """);

    [Test]
    public Task NestedTypesAndLocalFunctionsOfKernelCodeAreKernelCode() => VerifyAsync("""
        using OvpnDco.Runtime;

        [KernelCode]
        static class Outer
        {
            public struct Inner
            {
                public float {|OVD0001:Gain|};

                public static class Deeper
                {
                    static int M()
                    {
                        int Local() => {|OVD0001:(int)1.5|};
                        return Local();
                    }
                }
            }
        }
        """);

    [Test]
    public Task AssemblyAttributeMakesEverythingKernelCode() => VerifyAloneAsync("""
        using OvpnDco.Runtime;

        [assembly: KernelCode]

        namespace Anywhere
        {
            struct Plain
            {
                public double {|OVD0001:Ratio|};
            }
        }
        """);

    [Test]
    public Task PartialTypesAreKernelCodeInEveryPart() => VerifyAsync("""
        using OvpnDco.Runtime;

        [KernelCode]
        partial struct Split
        {
        }

        partial struct Split
        {
            public float {|OVD0001:Elsewhere|};
        }
        """);

    [Test]
    public Task AnAttributeWithTheSameNameInAnotherNamespaceIsIgnored() => VerifyAsync("""
        namespace Other
        {
            [System.AttributeUsage(System.AttributeTargets.All)]
            sealed class KernelCodeAttribute : System.Attribute { }

            [KernelCode]
            struct NotKernel
            {
                public double Ratio;
                public string Name;
            }
        }
        """);
}
