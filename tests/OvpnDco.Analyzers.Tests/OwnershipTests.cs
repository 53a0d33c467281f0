using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>OVD0015: raw pointers to [OwnedBy] structs in fields outside their owner.</summary>
public class OwnershipTests
{
    private const string Types = """
        using OvpnDco.Runtime;

        [KernelCode]
        [OwnedBy(typeof(Slot))]
        public unsafe struct Peer { public int Id; }

        [KernelCode]
        public unsafe struct Slot { public Peer* Peer; public uint Generation; }

        [KernelCode]
        public struct PeerHandle { public int Index; public uint Generation; }
        """;

    [Test]
    public Task PointersInOtherStructsAreReported() => VerifyAsync(Types + OwnedByAttributeSource + """

        [KernelCode]
        public unsafe struct Route { public Peer* {|#0:Owner|}; public int Bits; }

        [KernelCode]
        public unsafe struct Heap { public Peer** {|#1:Items|}; public static Peer* {|#2:Last|}; }

        [KernelCode]
        public unsafe struct Device { public Slot* Slots; public PeerHandle P2p; }
        """,
        Diagnostic("OVD0015", 0, "raw pointer field 'Owner'", "Peer", "Slot"),
        Diagnostic("OVD0015", 1, "raw pointer field 'Items'", "Peer", "Slot"),
        Diagnostic("OVD0015", 2, "raw pointer field 'Last'", "Peer", "Slot"));

    [Test]
    public Task OwnerFieldsHandlesLocalsAndParametersAreAllowed() => VerifyAsync(Types + OwnedByAttributeSource + """

        [KernelCode]
        public static unsafe class Ops
        {
            public static Peer* Get(Slot* slots, PeerHandle h)
            {
                Peer* p = slots[h.Index].Generation == h.Generation ? slots[h.Index].Peer : null;
                return p;
            }
        }

        // Outside kernel code nothing is checked.
        public unsafe struct Tooling { public Peer* Anything; }
        """);
}
