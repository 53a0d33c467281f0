using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>OVD0012: virtual and interface dispatch.</summary>
public class VirtualDispatchTests
{
    [Test]
    public Task VirtualMembersOfClassesAreReported() => VerifyAsync("""
        using OvpnDco.Runtime;

        [KernelCode]
        abstract class Shape
        {
            public abstract int {|#0:Area|}();
            public virtual int {|#1:Sides|} => 0;
        }

        [KernelCode]
        sealed class Square : Shape
        {
            public override int {|#2:Area|}() => 4;
        }

        [KernelCode]
        record class {|#3:Event|};
        """,
        Diagnostic("OVD0012", 0, "abstract method 'Area' in class 'Shape'"),
        Diagnostic("OVD0012", 1, "virtual property 'Sides' in class 'Shape'"),
        Diagnostic("OVD0012", 2, "override method 'Area' in class 'Square'"),
        Diagnostic("OVD0012", 3, "record class 'Event' (its synthesized members are virtual)"));

    [Test]
    public Task VirtualAndInterfaceCallsOnObjectsAreReported() => VerifyAsync("""
        using System.Collections.Generic;
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        static class Calls
        {
            static int Score(Session {|OVD0013:session|}) => {|#0:session.Score()|};
            static int Area(IShape {|OVD0013:shape|}) => {|#1:shape.Area()|} + {|#2:shape.Sides|};
            static int Global() => {|OVD0012:Lib.Shape.Area()|};

            static int Sum(IEnumerable<int> {|OVD0013:values|})
            {
                int total = 0;
                {|#3:foreach|} (var v in values)
                    total += v;
                return total;
            }

            static void Dispose()
            {
                {|#4:using|} (var {|OVD0013:resource|} = Lib.Open())
                {
                }
            }
        }
        """,
        Diagnostic("OVD0012", 0, "virtual call of 'Session.Score'"),
        Diagnostic("OVD0012", 1, "interface call of 'IShape.Area' on 'IShape'"),
        Diagnostic("OVD0012", 2, "interface call of 'IShape.Sides' on 'IShape'"),
        Diagnostic("OVD0012", 3, "foreach over 'IEnumerable<int>' through enumerator 'IEnumerator<int>'"),
        Diagnostic("OVD0012", 4, "'using' of reference type 'Resource' (Dispose through IDisposable)"));

    [Test]
    public Task ConstrainedGenericsStaticAbstractMembersAndStructsAreAllowed() => VerifyAsync("""
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        static unsafe class Core
        {
            public interface IPlatform
            {
                static abstract void* Alloc(nuint size, uint tag);
                static abstract void Free(void* block, uint tag);
                static abstract ulong Now { get; }
            }

            public struct Counter : IShape
            {
                public int Value;
                public int Area() => Value;
                public int Sides => 4;
                public override int GetHashCode() => Value;
            }

            public sealed class Driver<TPlatform> where TPlatform : IPlatform
            {
                public static void* Buffer(nuint size) => TPlatform.Alloc(size, 0x4F56_4450u);
                public static void Release(void* block) => TPlatform.Free(block, 0x4F56_4450u);
                public static ulong Time() => TPlatform.Now;
            }

            static int Measure<TShape>(ref TShape shape) where TShape : struct, IShape => shape.Area() + shape.Sides;

            static int Direct(Counter counter) => counter.Area() + counter.Sides + counter.GetHashCode() + Measure(ref counter);
        }
        """);
}
