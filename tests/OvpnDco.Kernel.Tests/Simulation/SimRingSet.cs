using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using OvpnDco.Wdk;

namespace OvpnDco.Kernel.Tests.Simulation;

/// <summary>A packet ring and a fragment ring of one queue in native memory, each fragment with a 2 KiB buffer.</summary>
public sealed unsafe class SimRingSet : IDisposable
{
    private readonly List<nint> _native = new();

    public NET_RING* Packets { get; }
    public NET_RING* Fragments { get; }
    public NET_PACKET* PacketElements { get; }
    public NET_FRAGMENT* FragmentElements { get; }
    public SimRings* Rings { get; }
    public NET_FRAGMENT_VIRTUAL_ADDRESS* VirtualAddresses { get; }

    /// <summary>The packet checksum extension's elements, one per packet slot (what NetExtensionGetPacketChecksum returns).</summary>
    public NET_PACKET_CHECKSUM* Checksums { get; }
    public uint Size { get; }

    public SimRingSet(uint size)
    {
        Size = size;
        Packets = Alloc<NET_RING>(1);
        Fragments = Alloc<NET_RING>(1);
        PacketElements = Alloc<NET_PACKET>((int)size);
        FragmentElements = Alloc<NET_FRAGMENT>((int)size);
        Init(Packets, size, sizeof(NET_PACKET));
        Init(Fragments, size, sizeof(NET_FRAGMENT));
        SimWdk.S.RingElements[(nint)Packets] = (nint)PacketElements;
        SimWdk.S.RingElements[(nint)Fragments] = (nint)FragmentElements;
        Rings = Alloc<SimRings>(1);
        Rings->Packets = Packets;
        Rings->Fragments = Fragments;
        VirtualAddresses = Alloc<NET_FRAGMENT_VIRTUAL_ADDRESS>((int)size);
        for (int i = 0; i < size; i++)
            VirtualAddresses[i].VirtualAddress = Alloc<byte>(2048);
        SimWdk.S.VirtualAddresses = VirtualAddresses;
        Checksums = Alloc<NET_PACKET_CHECKSUM>((int)size);
        SimWdk.S.Checksums = Checksums;
    }

    private static void Init(NET_RING* ring, uint size, int stride)
    {
        ring->NumberOfElements = size;
        ring->ElementIndexMask = size - 1;
        ring->ElementStride = (ushort)stride;
    }

    private T* Alloc<T>(int count) where T : unmanaged
    {
        var p = NativeMemory.AllocZeroed((nuint)(count * sizeof(T)));
        _native.Add((nint)p);
        return (T*)p;
    }

    /// <summary>The OS posts <paramref name="count"/> empty packets and fragments of <paramref name="capacity"/> bytes (rx).</summary>
    public void PostEmpty(int count, ulong capacity = 2048)
    {
        for (int i = 0; i < count; i++)
        {
            FragmentElements[Fragments->EndIndex].Capacity = capacity;
            Packets->EndIndex = (Packets->EndIndex + 1) & (Size - 1);
            Fragments->EndIndex = (Fragments->EndIndex + 1) & (Size - 1);
        }
    }

    public void Start(uint packetIndex, uint fragmentIndex)
    {
        Packets->BeginIndex = Packets->EndIndex = packetIndex;
        Fragments->BeginIndex = Fragments->EndIndex = fragmentIndex;
    }

    /// <summary>The bytes of the packet at <paramref name="index"/> (one fragment).</summary>
    public byte[] PacketBytes(uint index)
    {
        var p = PacketElements + index;
        Assert.That(p->FragmentCount, Is.EqualTo(1));
        var f = FragmentElements + p->FragmentIndex;
        return new ReadOnlySpan<byte>((byte*)VirtualAddresses[p->FragmentIndex].VirtualAddress + f->Offset, (int)f->ValidLength).ToArray();
    }

    public void Dispose()
    {
        foreach (var p in _native)
            NativeMemory.Free((void*)p);
        _native.Clear();
    }
}
