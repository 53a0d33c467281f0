using System;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>Statistics IOCTLs: GET_STATS (the device) and GET_PEER_STATS (per peer, P2P and MP).</summary>
public static unsafe partial class Driver<TPlatform>
    where TPlatform : IPlatform
{
    [Ioctl(OvpnIoctl.GetStats, Output = typeof(OvpnStats), Modes = IoctlModes.Any)]
    private static NtStatus GetStats(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        var abi = DriverStatsView.Abi(state.Stats, state.PerCpu);
        MemoryMarshal.Write(output, in abi);
        bytesReturned = sizeof(OvpnStats);
        return NtStatus.Success;
    }

    /// <summary>
    /// GET_PEER_STATS, as OpenVPN 2.7 calls it (dco_win.c). One peer (P2P: the peer, whatever id is asked; MP: by id):
    /// exactly one 40-byte OVPN_PEER_STATS. PeerId -1: every peer. A buffer too small for one entry is the size query:
    /// STATUS_BUFFER_OVERFLOW with 4 bytes returned holding the size needed (peers × 40), or success with 0 bytes when
    /// there is no peer. A buffer that holds some but not all entries gets those and STATUS_BUFFER_OVERFLOW.
    /// </summary>
    [Ioctl(OvpnIoctl.GetPeerStats, Input = typeof(OvpnGetPeerStats), Output = typeof(uint), Modes = IoctlModes.P2P | IoctlModes.MP)]
    private static NtStatus GetPeerStats(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        int peerId = MemoryMarshal.Read<OvpnGetPeerStats>(input).PeerId;
        if (peerId != UapiLimits.AllPeers)
        {
            Peer* p = FindPeer(s, peerId);
            if (p == null)
                return NtStatus.NotFound;
            if (output.Length < sizeof(OvpnPeerStats))
                return NtStatus.BufferTooSmall;
            WritePeerStats(p, output);
            bytesReturned = sizeof(OvpnPeerStats);
            return NtStatus.Success;
        }
        int count = s->Peers.Count;
        if (output.Length < sizeof(OvpnPeerStats))
        {
            if (count == 0)
                return NtStatus.Success;
            MemoryMarshal.Write(output, (uint)(count * sizeof(OvpnPeerStats)));
            bytesReturned = sizeof(uint);
            return NtStatus.BufferOverflow;
        }
        int room = output.Length / sizeof(OvpnPeerStats);
        int n = 0;
        for (int i = 0; i < s->Peers.Capacity && n < room; i++)
        {
            Peer* q = PeerStoreOps<TPlatform>.At(ref s->Peers, i);
            if (q == null)
                continue;
            WritePeerStats(q, output.Slice(n * sizeof(OvpnPeerStats)));
            n++;
        }
        bytesReturned = n * sizeof(OvpnPeerStats);
        return n < count ? NtStatus.BufferOverflow : NtStatus.Success;
    }

    private static void WritePeerStats(Peer* p, Span<byte> output)
    {
        var st = default(OvpnPeerStats);
        // A P2P peer is known by the id its server pushed (the PeerId of its key), as OpenVPN asks for it.
        st.PeerId = p->PeerId == 0 && p->Keys.Primary.InUse != 0 ? p->Keys.Primary.TxPeerId : p->PeerId;
        st.LinkRxBytes = p->LinkRxBytes;
        st.LinkTxBytes = p->LinkTxBytes;
        st.VpnRxBytes = p->VpnRxBytes;
        st.VpnTxBytes = p->VpnTxBytes;
        MemoryMarshal.Write(output, in st);
    }
}
