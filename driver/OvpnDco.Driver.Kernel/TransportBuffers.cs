using OvpnDco.Runtime;
using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// One transport buffer: its data (<see cref="TransportBuffers{TWdk}.DataSize"/> bytes in the device's data block),
/// the MDL over that data (built once: the memory is non-paged) and the IRP its WskSendTo/WskSend uses (reused with
/// IoReuseIrp). <see cref="Busy"/> is 1 from hand-out until release or send completion.
/// </summary>
public unsafe struct TransportBuffer
{
    public TransportBuffer* Next;
    public byte* Data;
    public PMDL Mdl;
    public PIRP Irp;
    public int Busy;

    /// <summary>TCP send in flight: the core's number of its connection (a failed send breaks that stream, not a later one); 0 for UDP.</summary>
    public uint Stream;

    /// <summary>While a send is in flight: the device, the WSK_BUF over the sent bytes and the destination (they must outlive the call).</summary>
    public DeviceContext* Context;
    public WSK_BUF WskBuf;
    public SockAddrInet Remote;
}

/// <summary>
/// The fixed pool of transport buffers (IPlatform.TransportBuffer): allocated at device add, handed out at DISPATCH_LEVEL
/// under <see cref="DeviceContext.TxBufferLock"/>, null when all are out (the core counts TxNoBuffer). A buffer comes
/// back through <see cref="Release"/> (not sent, or its send completed); the pool is freed only when none is out,
/// because the stack owns a buffer until its send completes.
/// </summary>
public static unsafe class TransportBuffers<TWdk>
    where TWdk : IWdk
{
    /// <summary>The largest packet the core writes (IPlatform.TransportBuffer: Proto.MaxWire + 64), rounded to 64.</summary>
    public const int DataSize = (Proto.MaxWire + 64 + 63) & ~63;

    /// <summary>How many sends may be in flight at once per device.</summary>
    public const int Count = 256;

    /// <summary>The headers and the data block, then an MDL and an IRP per buffer; -1 when any allocation fails (the caller frees with <see cref="Destroy"/>).</summary>
    [Irql(KIrql.Passive)]
    public static int Init(DeviceContext* ctx)
    {
        ctx->TxBuffers = (TransportBuffer*)TWdk.ExAllocatePool2(POOL_FLAGS.POOL_FLAG_NON_PAGED, (nuint)(Count * sizeof(TransportBuffer)), KernelTags.Buffer);
        ctx->TxBufferData = (byte*)TWdk.ExAllocatePool2(POOL_FLAGS.POOL_FLAG_NON_PAGED, (nuint)Count * DataSize, KernelTags.Buffer);
        if (ctx->TxBuffers == null || ctx->TxBufferData == null)
            return -1;
        for (int i = 0; i < Count; i++)
        {
            TransportBuffer* b = ctx->TxBuffers + i;
            b->Data = ctx->TxBufferData + (nint)i * DataSize;
            b->Mdl = TWdk.IoAllocateMdl(b->Data, (ULONG)DataSize, false, false, default);
            if (b->Mdl.Value == 0)
                return -1;
            TWdk.MmBuildMdlForNonPagedPool(b->Mdl);
            // One stack location: the WSK provider is the only driver the IRP goes to.
            b->Irp = TWdk.IoAllocateIrp(1, false);
            if (b->Irp.Value == 0)
                return -1;
            b->Next = ctx->TxBufferFree;
            ctx->TxBufferFree = b;
        }
        return 0;
    }

    /// <summary>A free buffer's data, or null when <paramref name="size"/> does not fit or none is free.</summary>
    [Irql(KIrql.Dispatch)]
    public static byte* Take(DeviceContext* ctx, int size)
    {
        if (size < 0 || size > DataSize)
            return null;
        byte irql = TWdk.ExAcquireSpinLockExclusive(&ctx->TxBufferLock);
        TransportBuffer* b = ctx->TxBufferFree;
        if (b != null)
        {
            ctx->TxBufferFree = b->Next;
            b->Next = null;
            b->Busy = 1;
            ctx->TxBuffersOut++;
        }
        TWdk.ExReleaseSpinLockExclusive(&ctx->TxBufferLock, irql);
        return b == null ? null : b->Data;
    }

    /// <summary>The buffer whose data holds <paramref name="p"/> (the start of a send may lie inside it), or null.</summary>
    public static TransportBuffer* Of(DeviceContext* ctx, byte* p)
    {
        if (ctx->TxBufferData == null || p < ctx->TxBufferData || p >= ctx->TxBufferData + (nint)Count * DataSize)
            return null;
        return ctx->TxBuffers + (p - ctx->TxBufferData) / DataSize;
    }

    /// <summary>Takes back the buffer holding <paramref name="p"/>; a pointer of no busy buffer is ignored (never freed twice).</summary>
    [Irql(KIrql.Dispatch)]
    public static void Release(DeviceContext* ctx, byte* p)
    {
        TransportBuffer* b = Of(ctx, p);
        if (b == null)
            return;
        byte irql = TWdk.ExAcquireSpinLockExclusive(&ctx->TxBufferLock);
        if (b->Busy != 0)
        {
            b->Busy = 0;
            b->Next = ctx->TxBufferFree;
            ctx->TxBufferFree = b;
            ctx->TxBuffersOut--;
        }
        TWdk.ExReleaseSpinLockExclusive(&ctx->TxBufferLock, irql);
    }

    /// <summary>How many buffers are handed out or in flight.</summary>
    public static int Outstanding(DeviceContext* ctx) => ctx->TxBuffersOut;

    /// <summary>
    /// Frees the MDLs, IRPs and memory. Only with no buffer out (every send completed: the sockets are closed and
    /// their rundown waited for first); with some out, nothing is freed and false is returned.
    /// </summary>
    [Irql(KIrql.Passive)]
    public static bool Destroy(DeviceContext* ctx)
    {
        if (ctx->TxBuffersOut != 0)
            return false;
        if (ctx->TxBuffers != null)
        {
            for (int i = 0; i < Count; i++)
            {
                TransportBuffer* b = ctx->TxBuffers + i;
                if (b->Mdl.Value != 0)
                    TWdk.IoFreeMdl(b->Mdl);
                if (b->Irp.Value != 0)
                    TWdk.IoFreeIrp(b->Irp);
            }
            TWdk.ExFreePoolWithTag(ctx->TxBuffers, KernelTags.Buffer);
        }
        if (ctx->TxBufferData != null)
            TWdk.ExFreePoolWithTag(ctx->TxBufferData, KernelTags.Buffer);
        ctx->TxBuffers = null;
        ctx->TxBufferData = null;
        ctx->TxBufferFree = null;
        return true;
    }
}
