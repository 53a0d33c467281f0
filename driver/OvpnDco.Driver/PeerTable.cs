using System.Runtime.InteropServices;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>What a <see cref="TableKey"/> names.</summary>
public enum KeyKind : byte
{
    PeerId = 1,
    Remote = 2,
    Route = 3,
}

/// <summary>
/// A 24-byte lookup key: kind, address family, prefix bits, port and up to 16 address bytes. Compared and hashed
/// as three 64-bit words (unused bytes are zero).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
public unsafe struct TableKey
{
    [FieldOffset(0)] public ulong W0;
    [FieldOffset(8)] public ulong W1;
    [FieldOffset(16)] public ulong W2;
    [FieldOffset(0)] public KeyKind Kind;
    [FieldOffset(1)] public byte Family;
    [FieldOffset(2)] public byte Bits;
    [FieldOffset(4)] public ushort Port;
    [FieldOffset(8)] public fixed byte Addr[16];

    public readonly bool Same(in TableKey other) => W0 == other.W0 && W1 == other.W1 && W2 == other.W2;

    public readonly ulong Hash()
    {
        ulong h = 0x243F6A8885A308D3ul;
        h = (h ^ W0) * 0x9E3779B97F4A7C15ul;
        h ^= h >> 29;
        h = (h ^ W1) * 0x9E3779B97F4A7C15ul;
        h ^= h >> 29;
        h = (h ^ W2) * 0x9E3779B97F4A7C15ul;
        h ^= h >> 32;
        return h;
    }

    public static TableKey ForPeerId(int peerId)
    {
        var k = default(TableKey);
        k.Kind = KeyKind.PeerId;
        k.W1 = (uint)peerId;
        return k;
    }

    /// <summary>The key of a transport address (family, port, address; IPv6 scope ignored).</summary>
    public static TableKey ForRemote(in SockAddrInet a)
    {
        var k = default(TableKey);
        k.Kind = KeyKind.Remote;
        k.Family = (byte)a.Family;
        k.Port = a.Addr4.PortNetworkOrder;
        if (a.Family == WinAddressFamily.Inet)
        {
            k.W1 = a.Addr4.Addr.Raw;
        }
        else
        {
            fixed (SockAddrInet* p = &a)
            {
                for (int i = 0; i < 16; i++)
                    k.Addr[i] = p->Addr6.Addr.Bytes[i];
            }
        }
        return k;
    }

    /// <summary>The key of a route: <paramref name="bits"/> leading bits of <paramref name="addr"/> (the rest masked off).</summary>
    public static TableKey ForRoute(WinAddressFamily family, byte* addr, int bits)
    {
        var k = default(TableKey);
        k.Kind = KeyKind.Route;
        k.Family = (byte)family;
        k.Bits = (byte)bits;
        int bytes = family == WinAddressFamily.Inet ? 4 : 16;
        for (int i = 0; i < bytes; i++)
        {
            int keep = bits - i * 8;
            byte mask = keep >= 8 ? (byte)0xFF : keep <= 0 ? (byte)0 : (byte)(0xFF << (8 - keep));
            k.Addr[i] = (byte)(addr[i] & mask);
        }
        return k;
    }
}

/// <summary>One slot of a <see cref="PeerTable"/>: 0 empty, 1 used, 2 deleted. It names its peer by reference.</summary>
public unsafe struct TableEntry
{
    public ulong Hash;
    public PeerRef Peer;
    public int State;
    public TableKey Key;
}

/// <summary>
/// Open-addressing hash table (linear probing, tombstones, power-of-two capacity, grows at 3/4 load) mapping a
/// <see cref="TableKey"/> to a peer reference (resolved through the <see cref="PeerStore"/>; a stale one resolves to
/// null). O(1) expected. The device has three: by peer id (rx), by transport address
/// (rx without peer id, float detection), and routes (VPN addresses as /32 and /128 plus iroutes; tx LPM).
/// </summary>
public unsafe struct PeerTable
{
    public TableEntry* Entries;
    public int Capacity;
    public int Count;
    public int Deleted;
}

/// <summary>Operations on <see cref="PeerTable"/> (allocation through the platform).</summary>
public static unsafe class PeerTableOps<TPlatform>
    where TPlatform : IPlatform
{
    public static NtStatus Init(ref PeerTable t, int capacity)
    {
        t.Entries = (TableEntry*)TPlatform.Alloc((nuint)(capacity * sizeof(TableEntry)), Proto.TagTable);
        if (t.Entries == null)
            return NtStatus.InsufficientResources;
        t.Capacity = capacity;
        t.Count = 0;
        t.Deleted = 0;
        return NtStatus.Success;
    }

    public static void Free(ref PeerTable t)
    {
        if (t.Entries != null)
            TPlatform.Free(t.Entries, Proto.TagTable);
        t.Entries = null;
        t.Capacity = 0;
        t.Count = 0;
        t.Deleted = 0;
    }

    private static int FindIndex(ref PeerTable t, in TableKey key, ulong hash)
    {
        if (t.Capacity == 0)
            return -1;
        int mask = t.Capacity - 1;
        int i = (int)(hash & (ulong)mask);
        for (int n = 0; n < t.Capacity; n++)
        {
            TableEntry* e = t.Entries + i;
            if (e->State == 0)
                return -1;
            if (e->State == 1 && e->Hash == hash && e->Key.Same(key))
                return i;
            i = (i + 1) & mask;
        }
        return -1;
    }

    /// <summary>The reference stored under <paramref name="key"/>, None when absent.</summary>
    public static PeerRef Find(ref PeerTable t, in TableKey key)
    {
        int i = FindIndex(ref t, key, key.Hash());
        return i < 0 ? PeerRef.None : t.Entries[i].Peer;
    }

    private static NtStatus Resize(ref PeerTable t, int capacity)
    {
        var old = t;
        var status = Init(ref t, capacity);
        if (!status.IsSuccess())
        {
            t = old;
            return status;
        }
        for (int i = 0; i < old.Capacity; i++)
        {
            TableEntry* e = old.Entries + i;
            if (e->State == 1)
                Place(ref t, *e);
        }
        TPlatform.Free(old.Entries, Proto.TagTable);
        return NtStatus.Success;
    }

    private static void Place(ref PeerTable t, in TableEntry entry)
    {
        int mask = t.Capacity - 1;
        int i = (int)(entry.Hash & (ulong)mask);
        while (t.Entries[i].State == 1)
            i = (i + 1) & mask;
        if (t.Entries[i].State == 2)
            t.Deleted--;
        t.Entries[i] = entry;
        t.Entries[i].State = 1;
        t.Count++;
    }

    /// <summary>Inserts or replaces (returns the previous peer through <paramref name="previous"/>).</summary>
    public static NtStatus Set(ref PeerTable t, in TableKey key, PeerRef peer, out PeerRef previous)
    {
        previous = PeerRef.None;
        ulong hash = key.Hash();
        int i = FindIndex(ref t, key, hash);
        if (i >= 0)
        {
            previous = t.Entries[i].Peer;
            t.Entries[i].Peer = peer;
            return NtStatus.Success;
        }
        if ((t.Count + t.Deleted + 1) * 4 > t.Capacity * 3)
        {
            int capacity = (t.Count + 1) * 2 > t.Capacity ? t.Capacity * 2 : t.Capacity;
            var status = Resize(ref t, capacity);
            if (!status.IsSuccess())
                return status;
        }
        var entry = default(TableEntry);
        entry.Hash = hash;
        entry.Peer = peer;
        entry.Key = key;
        Place(ref t, entry);
        return NtStatus.Success;
    }

    /// <summary>Removes <paramref name="key"/> when it maps to <paramref name="peer"/> (any peer when None).</summary>
    public static bool Remove(ref PeerTable t, in TableKey key, PeerRef peer) => Remove(ref t, key, peer, out _);

    /// <summary>As <see cref="Remove(ref PeerTable, in TableKey, PeerRef)"/>, telling which peer the entry named.</summary>
    public static bool Remove(ref PeerTable t, in TableKey key, PeerRef peer, out PeerRef removed)
    {
        removed = PeerRef.None;
        int i = FindIndex(ref t, key, key.Hash());
        if (i < 0)
            return false;
        if (!peer.IsNone && !t.Entries[i].Peer.Same(peer))
            return false;
        removed = t.Entries[i].Peer;
        t.Entries[i].State = 2;
        t.Entries[i].Peer = PeerRef.None;
        t.Count--;
        t.Deleted++;
        return true;
    }
}
