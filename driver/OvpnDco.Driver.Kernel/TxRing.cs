using System;
using OvpnDco.Driver.Binding;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// The NetAdapterCx transmit queue's advance: every packet the OS posted ([BeginIndex, EndIndex) of the packet ring)
/// becomes one entry of a batch for <c>Driver.OnAdapterTransmitBatch</c>; a packet in one fragment is passed in
/// place, one in several is gathered into the scratch buffer (one such packet per batch), a packet marked Ignore
/// or longer than the scratch is skipped. All of them are then returned to the OS (BeginIndex = EndIndex on both
/// rings): the driver has encrypted and sent, or dropped and counted, each one.
/// </summary>
public static unsafe class TxRing<TWdk, TKm>
    where TWdk : IWdk
    where TKm : IKmBackend
{
    public const int BatchSize = 64;

    public static void Advance(DeviceContext* ctx, NETPACKETQUEUE queue)
    {
        var rings = TWdk.NetTxQueueGetRingCollection(queue);
        NET_RING* packets = TWdk.NetRingCollectionGetPacketRing(rings);
        NET_RING* fragments = TWdk.NetRingCollectionGetFragmentRing(rings);
        // Rundown protection of the state (no handle open, or closing: every packet is returned unsent).
        bool entered = TWdk.ExAcquireRundownProtection(&ctx->StateRundown);
        var s = entered ? ctx->State : null;
        TxPacket* batch = ctx->TxBatch; // BatchSize entries; advance calls of one queue never overlap
        int count = 0;
        bool scratchUsed = false;
        uint index = packets->BeginIndex;
        uint end = packets->EndIndex;
        uint fragmentEnd = fragments->BeginIndex;
        while (index != end)
        {
            NET_PACKET* packet = TWdk.NetRingGetPacketAtIndex(packets, index);
            uint fi = packet->FragmentIndex;
            int fragmentCount = packet->FragmentCount;
            if (packet->Ignore == 0 && fragmentCount > 0 && s != null)
            {
                if (fragmentCount == 1)
                {
                    NET_FRAGMENT* f = TWdk.NetRingGetFragmentAtIndex(fragments, fi);
                    byte* va = (byte*)TWdk.NetExtensionGetFragmentVirtualAddress(&ctx->TxVirtualAddress, fi)->VirtualAddress;
                    batch[count].Data = va + (nint)f->Offset;
                    batch[count].Length = (int)f->ValidLength;
                    count++;
                }
                else if (!scratchUsed && Gather(ctx, fragments, fi, fragmentCount, out var length))
                {
                    scratchUsed = true;
                    batch[count].Data = ctx->TxScratch;
                    batch[count].Length = length;
                    count++;
                }
            }
            if (fragmentCount > 0)
            {
                for (int k = 0; k < fragmentCount; k++)
                    fi = TWdk.NetRingIncrementIndex(fragments, fi);
                fragmentEnd = fi;
            }
            index = TWdk.NetRingIncrementIndex(packets, index);
            if (count == BatchSize || (scratchUsed && index != end))
            {
                Flush(s, batch, count);
                count = 0;
                scratchUsed = false;
            }
        }
        Flush(s, batch, count);
        packets->BeginIndex = end;
        fragments->BeginIndex = fragmentEnd;
        if (entered)
            TWdk.ExReleaseRundownProtection(&ctx->StateRundown);
    }

    /// <summary>Copies a packet's fragments, in ring order (wrapping), into the scratch buffer.</summary>
    public static bool Gather(DeviceContext* ctx, NET_RING* fragments, uint first, int fragmentCount, out int length)
    {
        length = 0;
        uint fi = first;
        for (int k = 0; k < fragmentCount; k++)
        {
            NET_FRAGMENT* f = TWdk.NetRingGetFragmentAtIndex(fragments, fi);
            int n = (int)f->ValidLength;
            if (n < 0 || n > Proto.MaxWire - length)
                return false;
            byte* va = (byte*)TWdk.NetExtensionGetFragmentVirtualAddress(&ctx->TxVirtualAddress, fi)->VirtualAddress;
            new ReadOnlySpan<byte>(va + (nint)f->Offset, n).CopyTo(new Span<byte>(ctx->TxScratch + length, n));
            length += n;
            fi = TWdk.NetRingIncrementIndex(fragments, fi);
        }
        return true;
    }

    private static void Flush(DriverState* s, TxPacket* batch, int count)
    {
        if (count > 0 && s != null)
            Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.OnAdapterTransmitBatch(s, batch, count);
    }
}
