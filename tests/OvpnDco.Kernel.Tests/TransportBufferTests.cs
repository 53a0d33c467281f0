using System.Collections.Generic;
using OvpnDco.Driver.Kernel;
using OvpnDco.Kernel.Tests.Simulation;

namespace OvpnDco.Kernel.Tests;

/// <summary>
/// The transport buffer pool: an MDL (built for non-paged pool) and an IRP per buffer, made once; hand-out and
/// release at DISPATCH_LEVEL; null when exhausted or too large; no leak after many rounds; a failed allocation at any
/// step of Init is cleaned by Destroy; Destroy refuses while a buffer is out (the stack may own it).
/// </summary>
public unsafe class TransportBufferTests
{
    private BareContext _device = null!;

    [SetUp]
    public void SetUp() => _device = new BareContext();

    [TearDown]
    public void TearDown() => _device.Dispose();

    private static int Count => TransportBuffers<SimWdk>.Count;

    [Test]
    public void EachBufferHasItsOwnMdlOverItsDataAndAnIrp()
    {
        var ctx = _device.Ctx;
        Assert.That(TransportBuffers<SimWdk>.Init(ctx), Is.Zero);
        Assert.That(SimWdk.S.Wsk.Mdls, Has.Count.EqualTo(Count));
        Assert.That(SimWdk.S.Wsk.Irps, Has.Count.EqualTo(Count));
        for (int i = 0; i < Count; i++)
        {
            var b = ctx->TxBuffers + i;
            var mdl = SimWdk.S.Wsk.Mdls[b->Mdl.Value];
            Assert.That(mdl.Address, Is.EqualTo((nint)b->Data));
            Assert.That(mdl.Length, Is.EqualTo(TransportBuffers<SimWdk>.DataSize));
            Assert.That(mdl.Built, Is.True, "MmBuildMdlForNonPagedPool ran once at init");
        }
        Assert.That(TransportBuffers<SimWdk>.DataSize, Is.GreaterThanOrEqualTo(OvpnDco.Driver.Proto.MaxWire + 64));
        Assert.That(TransportBuffers<SimWdk>.Destroy(ctx), Is.True);
        Assert.That(SimWdk.S.Live, Is.Empty);
        Assert.That(SimWdk.S.Wsk.Mdls, Is.Empty);
        Assert.That(SimWdk.S.Wsk.Irps, Is.Empty);
    }

    [Test]
    public void ExhaustionGivesNullAndReleaseRecycles()
    {
        var ctx = _device.Ctx;
        Assert.That(TransportBuffers<SimWdk>.Init(ctx), Is.Zero);
        var taken = new HashSet<nint>();
        for (int i = 0; i < Count; i++)
        {
            var p = TransportBuffers<SimWdk>.Take(ctx, 1500);
            Assert.That(p != null, $"buffer {i} of {Count}");
            Assert.That(taken.Add((nint)p), Is.True, "never handed out twice");
            Assert.That(SimWdk.S.Irql, Is.Zero, "the lock restored the IRQL");
        }
        Assert.That(TransportBuffers<SimWdk>.Take(ctx, 100) == null, "exhausted: null (the core counts TxNoBuffer)");
        Assert.That(TransportBuffers<SimWdk>.Outstanding(ctx), Is.EqualTo(Count));
        Assert.That(TransportBuffers<SimWdk>.Destroy(ctx), Is.False, "not freed while buffers are out");
        Assert.That(SimWdk.S.Wsk.Mdls, Has.Count.EqualTo(Count));

        // Released through a pointer inside the buffer (a send's data starts after a prefix): the same buffer returns.
        var first = (byte*)new List<nint>(taken)[7];
        TransportBuffers<SimWdk>.Release(ctx, first + 40);
        TransportBuffers<SimWdk>.Release(ctx, first + 40); // twice: ignored, not pushed twice
        Assert.That(TransportBuffers<SimWdk>.Outstanding(ctx), Is.EqualTo(Count - 1));
        Assert.That((nint)TransportBuffers<SimWdk>.Take(ctx, 100), Is.EqualTo((nint)first));
        Assert.That(TransportBuffers<SimWdk>.Take(ctx, 100) == null);

        foreach (var p in taken)
            TransportBuffers<SimWdk>.Release(ctx, (byte*)p);
        Assert.That(TransportBuffers<SimWdk>.Outstanding(ctx), Is.Zero);
        Assert.That(TransportBuffers<SimWdk>.Destroy(ctx), Is.True);
        Assert.That(SimWdk.S.Live, Is.Empty);
    }

    [Test]
    public void TooLargeOrForeignIsRefused()
    {
        var ctx = _device.Ctx;
        Assert.That(TransportBuffers<SimWdk>.Init(ctx), Is.Zero);
        Assert.That(TransportBuffers<SimWdk>.Take(ctx, TransportBuffers<SimWdk>.DataSize + 1) == null);
        Assert.That(TransportBuffers<SimWdk>.Take(ctx, -1) == null);
        byte local = 0;
        TransportBuffers<SimWdk>.Release(ctx, &local); // not the pool's: ignored
        Assert.That(TransportBuffers<SimWdk>.Outstanding(ctx), Is.Zero);
        Assert.That(TransportBuffers<SimWdk>.Destroy(ctx), Is.True);
    }

    [Test]
    public void ManyRoundsLeakNothing()
    {
        var ctx = _device.Ctx;
        Assert.That(TransportBuffers<SimWdk>.Init(ctx), Is.Zero);
        for (int i = 0; i < 10 * Count; i++)
        {
            var p = TransportBuffers<SimWdk>.Take(ctx, 200);
            Assert.That(p != null);
            TransportBuffers<SimWdk>.Release(ctx, p);
        }
        Assert.That(TransportBuffers<SimWdk>.Outstanding(ctx), Is.Zero);
        Assert.That(TransportBuffers<SimWdk>.Destroy(ctx), Is.True);
        Assert.That(SimWdk.S.Live, Is.Empty);
    }

    [TestCase("pool", 1)]
    [TestCase("pool", 2)]
    [TestCase("mdl", 1)]
    [TestCase("mdl", 100)]
    [TestCase("irp", 1)]
    [TestCase("irp", 256)]
    public void AFailedAllocationInInitIsCleanedByDestroy(string what, int at)
    {
        var ctx = _device.Ctx;
        if (what == "pool")
            SimWdk.S.FailAllocationAt = at;
        else if (what == "mdl")
            SimWdk.S.Wsk.FailMdlAt = at;
        else
            SimWdk.S.Wsk.FailIrpAt = at;
        Assert.That(TransportBuffers<SimWdk>.Init(ctx), Is.EqualTo(-1));
        Assert.That(TransportBuffers<SimWdk>.Destroy(ctx), Is.True);
        Assert.That(SimWdk.S.Live, Is.Empty);
        Assert.That(SimWdk.S.Wsk.Mdls, Is.Empty);
        Assert.That(SimWdk.S.Wsk.Irps, Is.Empty);
    }
}
