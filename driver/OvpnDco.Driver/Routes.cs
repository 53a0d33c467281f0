using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// Tx routing for MP: VPN addresses (/32, /128) and iroutes in one hash table keyed by (family, prefix length,
/// masked prefix), plus per-family counts of routes per prefix length. Longest-prefix match probes only the
/// lengths in use, longest first: O(distinct lengths) hash lookups.
/// </summary>
public unsafe struct RouteTable
{
    public PeerTable Table;
    public fixed int Count4[33];
    public fixed int Count6[129];
}

public static unsafe class Routes<TPlatform>
    where TPlatform : IPlatform
{
    public static NtStatus Add(ref RouteTable r, WinAddressFamily family, byte* addr, int bits, Peer* peer, out Peer* previous)
    {
        var key = TableKey.ForRoute(family, addr, bits);
        var status = PeerTableOps<TPlatform>.Set(ref r.Table, key, peer, out previous);
        if (status.IsSuccess() && previous == null)
        {
            if (family == WinAddressFamily.Inet)
                r.Count4[bits]++;
            else
                r.Count6[bits]++;
        }
        return status;
    }

    public static bool Remove(ref RouteTable r, WinAddressFamily family, byte* addr, int bits, Peer* peer)
    {
        var key = TableKey.ForRoute(family, addr, bits);
        if (!PeerTableOps<TPlatform>.Remove(ref r.Table, key, peer))
            return false;
        if (family == WinAddressFamily.Inet)
            r.Count4[bits]--;
        else
            r.Count6[bits]--;
        return true;
    }

    /// <summary>Removes every route of <paramref name="peer"/> (O(capacity)).</summary>
    public static void RemovePeer(ref RouteTable r, Peer* peer)
    {
        for (int i = 0; i < r.Table.Capacity; i++)
        {
            TableEntry* e = r.Table.Entries + i;
            if (e->State == 1 && e->Peer == peer)
            {
                if (e->Key.Family == (byte)WinAddressFamily.Inet)
                    r.Count4[e->Key.Bits]--;
                else
                    r.Count6[e->Key.Bits]--;
                e->State = 2;
                e->Peer = null;
                r.Table.Count--;
                r.Table.Deleted++;
            }
        }
    }

    /// <summary>Longest-prefix match of a destination address (4 or 16 bytes).</summary>
    public static Peer* Lookup(ref RouteTable r, WinAddressFamily family, byte* addr)
    {
        int max = family == WinAddressFamily.Inet ? 32 : 128;
        for (int bits = max; bits >= 0; bits--)
        {
            int n = family == WinAddressFamily.Inet ? r.Count4[bits] : r.Count6[bits];
            if (n == 0)
                continue;
            var key = TableKey.ForRoute(family, addr, bits);
            Peer* p = PeerTableOps<TPlatform>.Find(ref r.Table, key);
            if (p != null)
                return p;
        }
        return null;
    }
}
