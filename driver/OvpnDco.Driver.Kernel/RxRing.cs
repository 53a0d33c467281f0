using System;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// The adapter's receive side. The driver decrypts into a buffer from <see cref="Buffer"/> (a fixed pool of
/// <see cref="RxBuffer"/>s allocated with the device: nothing is allocated per packet) and hands it over with
/// <see cref="Deliver"/>, which queues it and tells NetAdapterCx more packets are available (when it asked to be
/// told); the rx queue's advance (<see cref="Advance"/>) then copies queued packets into the fragments the OS posted,
/// one packet per fragment, returns them ([BeginIndex, EndIndex) of both rings) and frees the buffers. Delivery
/// runs on the data path (DISPATCH_LEVEL, driver lock shared, any CPU) and the advance on NetAdapterCx's thread:
/// the lists are under <see cref="DeviceContext.RxLock"/>.
/// </summary>
public static unsafe class RxRing<TWdk, TKm>
    where TWdk : IWdk
    where TKm : IKmBackend
{
    public const int BufferCount = 128;

    /// <summary>
    /// A buffer's header and data, rounded up to 16 bytes so that every header in the pool is aligned for its pointer
    /// (Proto.MaxWire is 2050: without the rounding, three headers in four sat off their 8-byte alignment, which UBSan
    /// found in tests/native/kernel_sim).
    /// </summary>
    public static int BufferStride => (sizeof(RxBuffer) + Proto.MaxWire + 15) & ~15;

    /// <summary>Pool memory for the buffers: <see cref="BufferCount"/> × <see cref="BufferStride"/> bytes.</summary>
    public static nuint PoolSize => (nuint)(BufferCount * BufferStride);

    public static void Init(DeviceContext* ctx, byte* pool)
    {
        ctx->RxFree = null;
        for (int i = BufferCount - 1; i >= 0; i--)
        {
            var b = (RxBuffer*)(pool + i * BufferStride);
            b->Next = ctx->RxFree;
            ctx->RxFree = b;
        }
    }

    private static RxBuffer* HeaderOf(byte* data) => (RxBuffer*)(data - sizeof(RxBuffer));

    public static byte* Buffer(DeviceContext* ctx, int size)
    {
        if (size < 0 || size > Proto.MaxWire)
            return null;
        byte irql = TWdk.ExAcquireSpinLockExclusive(&ctx->RxLock);
        var b = ctx->RxFree;
        if (b != null)
            ctx->RxFree = b->Next;
        TWdk.ExReleaseSpinLockExclusive(&ctx->RxLock, irql);
        return b == null ? null : (byte*)(b + 1);
    }

    public static void Release(DeviceContext* ctx, byte* data)
    {
        var b = HeaderOf(data);
        byte irql = TWdk.ExAcquireSpinLockExclusive(&ctx->RxLock);
        b->Next = ctx->RxFree;
        ctx->RxFree = b;
        TWdk.ExReleaseSpinLockExclusive(&ctx->RxLock, irql);
    }

    /// <summary><paramref name="packet"/> starts a buffer from <see cref="Buffer"/>.</summary>
    public static void Deliver(DeviceContext* ctx, byte* packet, int length)
    {
        var b = HeaderOf(packet);
        b->Length = length;
        b->Next = null;
        byte irql = TWdk.ExAcquireSpinLockExclusive(&ctx->RxLock);
        if (ctx->RxTail != null)
            ctx->RxTail->Next = b;
        else
            ctx->RxHead = b;
        ctx->RxTail = b;
        bool notify = ctx->RxNotify != 0;
        ctx->RxNotify = 0; // one notification until the OS re-enables it
        TWdk.ExReleaseSpinLockExclusive(&ctx->RxLock, irql);
        if (notify)
            TWdk.NetRxQueueNotifyMoreReceivedPacketsAvailable(ctx->RxQueue);
    }

    /// <summary>EvtSetNotificationEnabled of the rx queue; enabling with packets already queued notifies at once.</summary>
    public static void SetNotification(DeviceContext* ctx, bool enabled)
    {
        byte irql = TWdk.ExAcquireSpinLockExclusive(&ctx->RxLock);
        bool now = enabled && ctx->RxHead != null;
        ctx->RxNotify = enabled && !now ? 1 : 0;
        TWdk.ExReleaseSpinLockExclusive(&ctx->RxLock, irql);
        if (now)
            TWdk.NetRxQueueNotifyMoreReceivedPacketsAvailable(ctx->RxQueue);
    }

    public static void Advance(DeviceContext* ctx, NETPACKETQUEUE queue)
    {
        var rings = TWdk.NetRxQueueGetRingCollection(queue);
        NET_RING* packets = TWdk.NetRingCollectionGetPacketRing(rings);
        NET_RING* fragments = TWdk.NetRingCollectionGetFragmentRing(rings);
        uint pi = packets->BeginIndex;
        uint fi = fragments->BeginIndex;
        while (pi != packets->EndIndex && fi != fragments->EndIndex)
        {
            byte irql = TWdk.ExAcquireSpinLockExclusive(&ctx->RxLock);
            var b = ctx->RxHead;
            if (b != null)
            {
                ctx->RxHead = b->Next;
                if (ctx->RxHead == null)
                    ctx->RxTail = null;
            }
            TWdk.ExReleaseSpinLockExclusive(&ctx->RxLock, irql);
            if (b == null)
                break;
            NET_FRAGMENT* f = TWdk.NetRingGetFragmentAtIndex(fragments, fi);
            if ((ulong)b->Length > f->Capacity)
            {
                ctx->RxDropped++;
                Release(ctx, (byte*)(b + 1));
                continue;
            }
            byte* va = (byte*)TWdk.NetExtensionGetFragmentVirtualAddress(&ctx->RxVirtualAddress, fi)->VirtualAddress;
            new ReadOnlySpan<byte>(b + 1, b->Length).CopyTo(new Span<byte>(va, b->Length));
            f->Offset = 0;
            f->ValidLength = (ulong)b->Length;
            NET_PACKET* p = TWdk.NetRingGetPacketAtIndex(packets, pi);
            p->FragmentIndex = fi;
            p->FragmentCount = 1;
            p->Ignore = 0;
            Describe(ctx, p, pi, new ReadOnlySpan<byte>(b + 1, b->Length));
            Release(ctx, (byte*)(b + 1));
            pi = TWdk.NetRingIncrementIndex(packets, pi);
            fi = TWdk.NetRingIncrementIndex(fragments, fi);
        }
        packets->BeginIndex = pi;
        fragments->BeginIndex = fi;
    }

    /// <summary>
    /// The packet's layer-4 type and, when the OS enabled receive checksum offload, its checksum evaluation: valid for
    /// the IPv4 header and for TCP/UDP (an AEAD-authenticated packet carries its sender's checksums intact), not checked
    /// for a fragment's layer 4 (its checksum covers the reassembled datagram) or for what the OS did not enable.
    /// </summary>
    private static void Describe(DeviceContext* ctx, NET_PACKET* p, uint index, ReadOnlySpan<byte> ip)
    {
        var l4 = NET_PACKET_LAYER4_TYPE.NetPacketLayer4TypeUnspecified;
        bool ipv4 = false;
        if (ip.Length >= 20 && ip[0] >> 4 == 4)
        {
            ipv4 = true;
            bool fragment = ((ip[6] & 0x3F) | ip[7]) != 0; // more fragments, or an offset
            l4 = fragment ? NET_PACKET_LAYER4_TYPE.NetPacketLayer4TypeIPFragment : Layer4Of(ip[9]);
        }
        else if (ip.Length >= 40 && ip[0] >> 4 == 6)
        {
            l4 = Layer4Of(ip[6]); // a TCP/UDP header right after the fixed header; with extension headers: unspecified
        }
        p->Layout.Layer4Type = (byte)l4;
        if (ctx->RxChecksum.Enabled == 0)
            return;
        int enabled = System.Threading.Volatile.Read(ref ctx->RxChecksumEnabled);
        NET_PACKET_CHECKSUM* c = TWdk.NetExtensionGetPacketChecksum(&ctx->RxChecksum, index);
        c->Layer2 = (byte)NET_PACKET_RX_CHECKSUM_EVALUATION.NetPacketRxChecksumEvaluationNotChecked;
        c->Layer3 = (byte)(ipv4 && (enabled & RxChecksumOffload.IPv4) != 0
            ? NET_PACKET_RX_CHECKSUM_EVALUATION.NetPacketRxChecksumEvaluationValid : NET_PACKET_RX_CHECKSUM_EVALUATION.NetPacketRxChecksumEvaluationNotChecked);
        bool l4Valid = l4 == NET_PACKET_LAYER4_TYPE.NetPacketLayer4TypeTcp && (enabled & RxChecksumOffload.Tcp) != 0
            || l4 == NET_PACKET_LAYER4_TYPE.NetPacketLayer4TypeUdp && (enabled & RxChecksumOffload.Udp) != 0;
        c->Layer4 = (byte)(l4Valid ? NET_PACKET_RX_CHECKSUM_EVALUATION.NetPacketRxChecksumEvaluationValid : NET_PACKET_RX_CHECKSUM_EVALUATION.NetPacketRxChecksumEvaluationNotChecked);
    }

    private static NET_PACKET_LAYER4_TYPE Layer4Of(byte protocol) =>
        protocol == 6 ? NET_PACKET_LAYER4_TYPE.NetPacketLayer4TypeTcp
        : protocol == 17 ? NET_PACKET_LAYER4_TYPE.NetPacketLayer4TypeUdp
        : NET_PACKET_LAYER4_TYPE.NetPacketLayer4TypeUnspecified;

    /// <summary>EvtCancel: every posted packet goes back to the OS marked Ignore, fragments unused.</summary>
    public static void Cancel(NETPACKETQUEUE queue)
    {
        var rings = TWdk.NetRxQueueGetRingCollection(queue);
        NET_RING* packets = TWdk.NetRingCollectionGetPacketRing(rings);
        NET_RING* fragments = TWdk.NetRingCollectionGetFragmentRing(rings);
        for (uint pi = packets->BeginIndex; pi != packets->EndIndex; pi = TWdk.NetRingIncrementIndex(packets, pi))
            TWdk.NetRingGetPacketAtIndex(packets, pi)->Ignore = 1;
        packets->BeginIndex = packets->EndIndex;
        fragments->BeginIndex = fragments->EndIndex;
    }
}
