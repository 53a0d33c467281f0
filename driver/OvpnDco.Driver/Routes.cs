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

/// <summary>
/// Route changes. Invariant: every peer's <see cref="Peer.RouteCount"/> equals the number of route entries naming it,
/// whichever way the entry was created, replaced or removed (VPN address, iroute, another peer's route on top), so
/// deleting a peer can remove every route that points at it (<see cref="RemovePeer"/>). Entries hold references:
/// even a route that survived its peer would resolve to no peer, never to freed memory.
/// </summary>
public static unsafe class Routes<TPlatform>
    where TPlatform : IPlatform
{
    /// <summary>Adds (or moves to <paramref name="owner"/>) the route <paramref name="addr"/>/<paramref name="bits"/>.</summary>
    public static NtStatus Add(ref RouteTable r, ref PeerStore peers, WinAddressFamily family, byte* addr, int bits, PeerRef owner)
    {
        var key = TableKey.ForRoute(family, addr, bits);
        var status = PeerTableOps<TPlatform>.Set(ref r.Table, key, owner, out PeerRef previous);
        if (!status.IsSuccess() || previous.Same(owner))
            return status;
        if (previous.IsNone)
        {
            if (family == WinAddressFamily.Inet)
                r.Count4[bits]++;
            else
                r.Count6[bits]++;
        }
        else
        {
            Peer* loser = PeerStoreOps<TPlatform>.Get(ref peers, previous);
            if (loser != null)
                loser->RouteCount--;
        }
        Peer* winner = PeerStoreOps<TPlatform>.Get(ref peers, owner);
        if (winner != null)
            winner->RouteCount++;
        return status;
    }

    /// <summary>
    /// Removes the route when it points at <paramref name="owner"/> (whichever peer it points at when None); false when
    /// it does not exist or is another's.
    /// </summary>
    public static bool Remove(ref RouteTable r, ref PeerStore peers, WinAddressFamily family, byte* addr, int bits, PeerRef owner)
    {
        var key = TableKey.ForRoute(family, addr, bits);
        if (!PeerTableOps<TPlatform>.Remove(ref r.Table, key, owner, out PeerRef removed))
            return false;
        if (family == WinAddressFamily.Inet)
            r.Count4[bits]--;
        else
            r.Count6[bits]--;
        Peer* p = PeerStoreOps<TPlatform>.Get(ref peers, removed);
        if (p != null)
            p->RouteCount--;
        return true;
    }

    /// <summary>Removes every route of <paramref name="peer"/>: O(capacity), only run while its count says one is left.</summary>
    public static void RemovePeer(ref RouteTable r, Peer* peer)
    {
        for (int i = 0; i < r.Table.Capacity && peer->RouteCount > 0; i++)
        {
            TableEntry* e = r.Table.Entries + i;
            if (e->State != 1 || !e->Peer.Same(peer->Self))
                continue;
            if (e->Key.Family == (byte)WinAddressFamily.Inet)
                r.Count4[e->Key.Bits]--;
            else
                r.Count6[e->Key.Bits]--;
            e->State = 2;
            e->Peer = PeerRef.None;
            r.Table.Count--;
            r.Table.Deleted++;
            peer->RouteCount--;
        }
    }

    /// <summary>Longest-prefix match of a destination address (4 or 16 bytes); None when no route covers it.</summary>
    public static PeerRef Lookup(ref RouteTable r, WinAddressFamily family, byte* addr)
    {
        int max = family == WinAddressFamily.Inet ? 32 : 128;
        for (int bits = max; bits >= 0; bits--)
        {
            int n = family == WinAddressFamily.Inet ? r.Count4[bits] : r.Count6[bits];
            if (n == 0)
                continue;
            PeerRef p = PeerTableOps<TPlatform>.Find(ref r.Table, TableKey.ForRoute(family, addr, bits));
            if (!p.IsNone)
                return p;
        }
        return PeerRef.None;
    }
}
