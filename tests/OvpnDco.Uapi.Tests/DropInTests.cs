using System.Collections.Generic;

namespace OvpnDco.Uapi.Tests;

/// <summary>
/// Our uapi.h is a drop-in for upstream's uapi/ovpn-dco.h and OpenVPN's src/openvpn/ovpn_dco_win.h: a C file that
/// uses every name those headers define — types, pointer typedefs, enum values, fields, IOCTL codes — the way OpenVPN
/// 2.7's dco_win.c and OpenVPN3's ovpndcowincli.hpp use them, compiles against ours with the real Windows headers
/// (mingw-w64) for x64, x86 and ARM64, in C and C++.
/// </summary>
public class DropInTests
{
    internal const string Client = """
        #include <stddef.h>

        /* Every IOCTL name the two headers define. */
        extern const unsigned long ovpn_drop_in_codes[];
        const unsigned long ovpn_drop_in_codes[] = {
            OVPN_IOCTL_NEW_PEER, OVPN_IOCTL_GET_STATS, OVPN_IOCTL_NEW_KEY, OVPN_IOCTL_SWAP_KEYS, OVPN_IOCTL_SET_PEER,
            OVPN_IOCTL_START_VPN, OVPN_IOCTL_DEL_PEER, OVPN_IOCTL_GET_VERSION, OVPN_IOCTL_NEW_KEY_V2, OVPN_IOCTL_SET_MODE,
            OVPN_IOCTL_MP_START_VPN, OVPN_IOCTL_MP_NEW_PEER, OVPN_IOCTL_MP_SET_PEER, OVPN_IOCTL_NOTIFY_EVENT,
            OVPN_IOCTL_MP_DEL_PEER, OVPN_IOCTL_MP_SWAP_KEYS, OVPN_IOCTL_MP_ADD_IROUTE, OVPN_IOCTL_MP_DEL_IROUTE,
            OVPN_IOCTL_GET_PEER_STATS,
        };

        int ovpn_drop_in(const struct sockaddr_in *remote4, const struct sockaddr_in6 *remote6, IN_ADDR dst, IN6_ADDR dst6);

        int ovpn_drop_in(const struct sockaddr_in *remote4, const struct sockaddr_in6 *remote6, IN_ADDR dst, IN6_ADDR dst6)
        {
            /* P2P client (dco_p2p_new_peer / OpenVPN3 add_peer_) */
            OVPN_NEW_PEER peer;
            POVPN_NEW_PEER ppeer = &peer;
            memset(&peer, 0, sizeof(peer));
            peer.Proto = OVPN_PROTO_TCP;
            peer.Proto = OVPN_PROTO_UDP;
            peer.Remote.Addr4 = *remote4;
            peer.Local.Addr4.sin_family = AF_INET;
            peer.Local.Addr4.sin_port = 0;
            peer.Remote.Addr6 = *remote6;
            peer.Local.Addr6.sin6_family = AF_INET6;
            peer.Local.Addr6.sin6_addr = dst6; /* in6addr_any in OpenVPN */

            /* multipeer server (dco_new_peer, dco_mp_start_vpn) */
            OVPN_MP_NEW_PEER newPeer;
            POVPN_MP_NEW_PEER pnew = &newPeer;
            memset(&newPeer, 0, sizeof(newPeer));
            newPeer.Local.Addr4.sin_family = AF_INET;
            memcpy(&newPeer.Remote.Addr4, remote4, sizeof(struct sockaddr_in));
            memcpy(&newPeer.Remote.Addr6, remote6, sizeof(struct sockaddr_in6));
            newPeer.VpnAddr4 = dst;
            newPeer.VpnAddr6 = dst6;
            newPeer.PeerId = 1;
            OVPN_MP_START_VPN in, out;
            POVPN_MP_START_VPN pstart = &in;
            in.IPv6Only = 0;
            memcpy(&in.ListenAddress.Addr4, remote4, sizeof(struct sockaddr_in));
            memcpy(&in.ListenAddress.Addr6, remote6, sizeof(struct sockaddr_in6));
            out = in;

            /* keys (dco_new_key, OpenVPN3 add_crypto_) */
            OVPN_CRYPTO_DATA_V2 crypto_data;
            POVPN_CRYPTO_DATA_V2 pv2 = &crypto_data;
            memset(&crypto_data, 0, sizeof(crypto_data));
            OVPN_CRYPTO_DATA *v1 = &crypto_data.V1;
            POVPN_CRYPTO_DATA pv1 = v1;
            OVPN_KEY_DIRECTION *dir = &v1->Encrypt;
            v1->CipherAlg = OVPN_CIPHER_ALG_AES_GCM;
            v1->CipherAlg = OVPN_CIPHER_ALG_CHACHA20_POLY1305;
            v1->CipherAlg = OVPN_CIPHER_ALG_NONE;
            v1->KeyId = (unsigned char)7;
            v1->PeerId = 5;
            v1->KeySlot = OVPN_KEY_SLOT_PRIMARY;
            v1->KeySlot = OVPN_KEY_SLOT_SECONDARY;
            memcpy(v1->Encrypt.Key, v1->Decrypt.Key, 32);
            v1->Encrypt.KeyLen = (unsigned char)32;
            memcpy(v1->Decrypt.NonceTail, v1->Encrypt.NonceTail, 8);
            crypto_data.CryptoOptions = 0;

            /* peer settings, swap, delete, iroutes */
            OVPN_MP_SET_PEER mp_peer = { 1, 10, 60, 1400 };
            POVPN_MP_SET_PEER pmpset = &mp_peer;
            OVPN_SET_PEER setp = { -1, -1, 1400 };
            POVPN_SET_PEER pset = &setp;
            OVPN_MP_SWAP_KEYS swap = { 1 };
            POVPN_MP_SWAP_KEYS pswap = &swap;
            OVPN_MP_DEL_PEER del_peer = { 1 };
            POVPN_MP_DEL_PEER pdel = &del_peer;
            OVPN_MP_IROUTE route;
            POVPN_MP_IROUTE proute = &route;
            route.Addr.Addr4.S_un.S_addr = dst.S_un.S_addr;
            route.Addr.Addr6 = dst6;
            route.Netbits = 24;
            route.PeerId = -1;
            route.IPv6 = 0;

            /* mode, version, stats, notifications */
            OVPN_MODE m = OVPN_MODE_MP;
            OVPN_SET_MODE setmode = { OVPN_MODE_P2P };
            POVPN_SET_MODE psetmode = &setmode;
            OVPN_VERSION version = { 0, 0, 0 };
            POVPN_VERSION pversion = &version;
            OVPN_STATS stats;
            POVPN_STATS pstats = &stats;
            memset(&stats, 0, sizeof(stats));
            LONG64 total = stats.TransportBytesReceived + stats.TransportBytesSent + stats.TunBytesReceived + stats.TunBytesSent
                + stats.LostInControlPackets + stats.LostOutControlPackets + stats.LostInDataPackets + stats.LostOutDataPackets
                + stats.ReceivedDataPackets + stats.ReceivedControlPackets + stats.SentControlPackets + stats.SentDataPackets;
            OVPN_GET_PEER_STATS ps = { -1 };
            POVPN_GET_PEER_STATS pps = &ps;
            OVPN_PEER_STATS peer_stats;
            POVPN_PEER_STATS ppeerstats = &peer_stats;
            memset(&peer_stats, 0, sizeof(peer_stats));
            total += peer_stats.PeerId + peer_stats.LinkRxBytes + peer_stats.LinkTxBytes + peer_stats.VpnRxBytes + peer_stats.VpnTxBytes;
            OVPN_NOTIFY_EVENT notif;
            POVPN_NOTIFY_EVENT pnotif = &notif;
            memset(&notif, 0, sizeof(notif));
            OVPN_NOTIFY_CMD cmd = notif.Cmd;
            OVPN_DEL_PEER_REASON reason = notif.DelPeerReason;
            struct sockaddr_storage ss = notif.FloatAddress;
            int cmds = OVPN_CMD_DEL_PEER + OVPN_CMD_SWAP_KEYS + OVPN_CMD_FLOAT_PEER;
            int reasons = OVPN_DEL_PEER_REASON_TEARDOWN + OVPN_DEL_PEER_REASON_USERSPACE + OVPN_DEL_PEER_REASON_EXPIRED
                + OVPN_DEL_PEER_REASON_TRANSPORT_ERROR + OVPN_DEL_PEER_REASON_TRANSPORT_DISCONNECT;
            OVPN_PROTO proto = OVPN_PROTO_UDP;

            (void)ppeer; (void)pnew; (void)pstart; (void)pv2; (void)pv1; (void)dir; (void)pmpset; (void)pset; (void)pswap;
            (void)pdel; (void)proute; (void)psetmode; (void)pversion; (void)pstats; (void)pps; (void)ppeerstats; (void)pnotif;
            (void)ss; (void)out;
            return (int)(total + m + cmd + reason + cmds + reasons + proto + (int)peer.Proto + (int)ovpn_drop_in_codes[0]);
        }
        """;

    private static IEnumerable<HeaderTests.Target> Targets()
    {
        foreach (var triple in new[] { "x86_64-w64-windows-gnu", "i686-w64-windows-gnu", "aarch64-w64-windows-gnu" })
        {
            yield return new HeaderTests.Target($"{triple} C11 mingw-w64", triple, "c11", false, true);
            yield return new HeaderTests.Target($"{triple} C++17 mingw-w64", triple, "c++17", false, true);
        }
    }

    [TestCaseSource(nameof(Targets))]
    public void EveryNameOpenVpnUsesCompilesAgainstOurHeader(HeaderTests.Target target)
    {
        var (exitCode, errors) = HeaderTests.Compile(target, Repo.IncludeDir, "#include <string.h>\n" + Client + "\n");
        Assert.That(exitCode, Is.EqualTo(0), errors);
    }

    [Test]
    public void AMissingNameFailsToCompile()
    {
        var (exitCode, errors) = HeaderTests.Compile(new HeaderTests.Target("x64", "x86_64-w64-windows-gnu", "c11", false, true), Repo.IncludeDir,
            "#include <string.h>\n" + Client.Replace("OVPN_IOCTL_GET_PEER_STATS,", "OVPN_IOCTL_GET_PEER_STATISTICS,") + "\n");
        Assert.That(exitCode, Is.Not.EqualTo(0));
        Assert.That(errors, Does.Contain("OVPN_IOCTL_GET_PEER_STATISTICS"));
    }
}
