using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;

namespace OvpnDco.Client;

/// <summary>What a PUSH_REPLY (possibly several, joined by push-continuation) tells the client.</summary>
public sealed class PushReply
{
    public IPAddress? Address { get; set; }
    public IPAddress? NetmaskOrPeer { get; set; }
    public string Topology { get; set; } = "net30";
    public IPAddress? RouteGateway { get; set; }
    public List<(IPAddress Network, int Prefix, IPAddress? Gateway)> Routes { get; } = new();
    public IPAddress? Address6 { get; set; }
    public int Prefix6 { get; set; }
    public List<(IPAddress Network, int Prefix)> Routes6 { get; } = new();
    public int? PeerId { get; set; }
    public string? Cipher { get; set; }
    public int? Ping { get; set; }
    public int? PingRestart { get; set; }
    public bool KeyDerivationEkm { get; set; }
    public bool RedirectGateway { get; set; }
    public List<string> ProtocolFlags { get; } = new();
    public List<string> Ignored { get; } = new();

    /// <summary>The prefix length of the tunnel address (subnet: from the netmask; net30/p2p: 32 with a peer).</summary>
    public int PrefixLength => Topology == "subnet" && NetmaskOrPeer is not null ? MaskBits(NetmaskOrPeer) : 32;

    /// <summary>Merges one PUSH_REPLY message; returns true when it was the last part (no "push-continuation 2").</summary>
    public bool Merge(string message)
    {
        if (!message.StartsWith("PUSH_REPLY", StringComparison.Ordinal))
            throw new ArgumentException("not a PUSH_REPLY", nameof(message));
        bool last = true;
        foreach (var option in message.Split(',', StringSplitOptions.RemoveEmptyEntries)[1..])
        {
            var a = option.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (a.Length == 0)
                continue;
            try
            {
                switch (a[0])
                {
                    case "ifconfig": Address = IPAddress.Parse(a[1]); NetmaskOrPeer = IPAddress.Parse(a[2]); break;
                    case "topology": Topology = a[1]; break;
                    case "route-gateway": RouteGateway = IPAddress.Parse(a[1]); break;
                    case "route":
                        var net = IPAddress.Parse(a[1]);
                        int prefix = a.Length > 2 && a[2] != "default" ? MaskBits(IPAddress.Parse(a[2])) : 32;
                        IPAddress? gw = a.Length > 3 && a[3] != "vpn_gateway" && a[3] != "default" ? IPAddress.Parse(a[3]) : null;
                        Routes.Add((net, prefix, gw));
                        break;
                    case "ifconfig-ipv6":
                        var slash = a[1].IndexOf('/', StringComparison.Ordinal);
                        Address6 = IPAddress.Parse(slash < 0 ? a[1] : a[1][..slash]);
                        Prefix6 = slash < 0 ? 64 : int.Parse(a[1][(slash + 1)..], CultureInfo.InvariantCulture);
                        break;
                    case "route-ipv6":
                        var rs = a[1].IndexOf('/', StringComparison.Ordinal);
                        Routes6.Add((IPAddress.Parse(rs < 0 ? a[1] : a[1][..rs]), rs < 0 ? 128 : int.Parse(a[1][(rs + 1)..], CultureInfo.InvariantCulture)));
                        break;
                    case "peer-id": PeerId = int.Parse(a[1], CultureInfo.InvariantCulture); break;
                    case "cipher": Cipher = a[1]; break;
                    case "ping": Ping = int.Parse(a[1], CultureInfo.InvariantCulture); break;
                    case "ping-restart": PingRestart = int.Parse(a[1], CultureInfo.InvariantCulture); break;
                    case "key-derivation": KeyDerivationEkm = a[1] == "tls-ekm"; break;
                    case "protocol-flags":
                        ProtocolFlags.AddRange(a[1..]);
                        if (Array.IndexOf(a, "tls-ekm") > 0)
                            KeyDerivationEkm = true;
                        break;
                    case "redirect-gateway": RedirectGateway = true; Ignored.Add(option.Trim()); break;
                    case "push-continuation": last = a[1] != "2"; break;
                    default: Ignored.Add(option.Trim()); break;
                }
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
            {
                throw new ClientException($"PUSH_REPLY: cannot read '{option.Trim()}'", 4);
            }
        }
        return last;
    }

    public static int MaskBits(IPAddress mask)
    {
        var b = mask.GetAddressBytes();
        if (b.Length != 4)
            throw new FormatException("not an IPv4 netmask");
        uint m = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        int n = System.Numerics.BitOperations.LeadingZeroCount(~m);
        if (n < 32 && (m << n) != 0)
            throw new FormatException("not a contiguous netmask");
        return n;
    }
}
