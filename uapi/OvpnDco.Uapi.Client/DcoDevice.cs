using System.Buffers.Binary;
using System;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Threading;
using System.Threading.Tasks;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi.Client;

/// <summary>A control packet read in MP mode: where it came from and its bytes (inside the caller's buffer).</summary>
public readonly record struct MpControlPacket(IPEndPoint Source, Memory<byte> Payload);

/// <summary>
/// Typed access to an ovpn-dco device: one method per IOCTL, and the control channel (one packet per
/// read/write; in MP mode prefixed by the peer's socket address). Failures throw <see cref="DcoException"/>.
/// </summary>
public sealed class DcoDevice : IDisposable
{
    /// <summary>The exclusive device (first adapter).</summary>
    public const string DevicePath = @"\\.\ovpn-dco";

    /// <summary>The non-exclusive control device, which answers only GET_VERSION.</summary>
    public const string ControlDevicePath = @"\\.\ovpn-dco-ver";

    private readonly bool _ownsTransport;

    public DcoDevice(IDcoTransport transport, bool ownsTransport = true)
    {
        Transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _ownsTransport = ownsTransport;
    }

    /// <summary>Opens the Windows device.</summary>
    [SupportedOSPlatform("windows")]
    public static DcoDevice Open(string path = DevicePath) => new(WindowsDcoTransport.Open(path));

    public IDcoTransport Transport { get; }

    public void Dispose()
    {
        if (_ownsTransport)
            Transport.Dispose();
    }

    /// <summary>The upstream name of an IOCTL code (<c>OVPN_IOCTL_NEW_PEER</c>), or its hex value.</summary>
    public static string IoctlName(uint code)
        => UapiCatalog.Find(code)?.CName ?? "IOCTL 0x" + code.ToString("X8", CultureInfo.InvariantCulture);

    // ---- raw and typed IOCTL plumbing ----

    /// <summary>Sends <paramref name="code"/> with raw buffers; returns the bytes returned.</summary>
    public int Ioctl(uint code, ReadOnlySpan<byte> input, Span<byte> output) => Transport.DeviceIoControl(code, input, output);

    private static ReadOnlySpan<byte> Bytes<T>(in T value)
        where T : unmanaged
        => MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(in value, 1));

    private static byte[] ToArray<T>(in T value)
        where T : unmanaged
        => Bytes(value).ToArray();

    private void Send<TIn>(uint code, in TIn input)
        where TIn : unmanaged
        => Transport.DeviceIoControl(code, Bytes(input), Span<byte>.Empty);

    private void Send(uint code) => Transport.DeviceIoControl(code, ReadOnlySpan<byte>.Empty, Span<byte>.Empty);

    private TOut Query<TOut>(uint code)
        where TOut : unmanaged
    {
        TOut result = default;
        var output = MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref result, 1));
        int n = Transport.DeviceIoControl(code, ReadOnlySpan<byte>.Empty, output);
        if (n < output.Length)
        {
            throw new DcoException(IoctlName(code) + $" returned {n} of {output.Length} bytes", NtStatus.InvalidBufferSize,
                Win32Error.InvalidUserBuffer);
        }
        return result;
    }

    // ---- P2P ----

    /// <summary>NEW_PEER; for TCP the driver completes it when connected, so prefer <see cref="NewPeerAsync(OvpnNewPeer, CancellationToken)"/>.</summary>
    public void NewPeer(in OvpnNewPeer peer) => Send(OvpnIoctl.NewPeer, peer);

    /// <summary>NEW_PEER from endpoints (both of one family).</summary>
    public void NewPeer(IPEndPoint local, IPEndPoint remote, OvpnProto proto) => NewPeer(CreateNewPeer(local, remote, proto));

    /// <summary>NEW_PEER, completing when the driver completes it (TCP: once connected).</summary>
    public async Task NewPeerAsync(OvpnNewPeer peer, CancellationToken cancellationToken = default)
        => await Transport.DeviceIoControlAsync(OvpnIoctl.NewPeer, ToArray(peer), Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);

    /// <summary>NEW_PEER from endpoints, completing when the driver completes it (TCP: once connected).</summary>
    public Task NewPeerAsync(IPEndPoint local, IPEndPoint remote, OvpnProto proto, CancellationToken cancellationToken = default)
        => NewPeerAsync(CreateNewPeer(local, remote, proto), cancellationToken);

    /// <summary>The OVPN_NEW_PEER for two endpoints of one family.</summary>
    public static OvpnNewPeer CreateNewPeer(IPEndPoint local, IPEndPoint remote, OvpnProto proto)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        if (local.AddressFamily != remote.AddressFamily)
            throw new ArgumentException($"local {local} and remote {remote} must be of one address family");
        return new OvpnNewPeer
        {
            Local = SockAddrConverter.ToSockAddrInet(local),
            Remote = SockAddrConverter.ToSockAddrInet(remote),
            Proto = proto,
        };
    }

    /// <summary>GET_STATS.</summary>
    public OvpnStats GetStats() => Query<OvpnStats>(OvpnIoctl.GetStats);

    /// <summary>NEW_KEY.</summary>
    public void NewKey(in OvpnCryptoData key) => Send(OvpnIoctl.NewKey, key);

    /// <summary>NEW_KEY_V2 (crypto options).</summary>
    public void NewKeyV2(in OvpnCryptoDataV2 key) => Send(OvpnIoctl.NewKeyV2, key);

    /// <summary>SWAP_KEYS (P2P).</summary>
    public void SwapKeys() => Send(OvpnIoctl.SwapKeys);

    /// <summary>SET_PEER: keepalive interval and timeout in seconds, MSS (-1 = unchanged, 0 = off).</summary>
    public void SetPeer(int keepaliveInterval, int keepaliveTimeout, int mss)
        => SetPeer(new OvpnSetPeer { KeepaliveInterval = keepaliveInterval, KeepaliveTimeout = keepaliveTimeout, MSS = mss });

    /// <summary>SET_PEER.</summary>
    public void SetPeer(in OvpnSetPeer settings) => Send(OvpnIoctl.SetPeer, settings);

    /// <summary>START_VPN (adapter link up).</summary>
    public void StartVpn() => Send(OvpnIoctl.StartVpn);

    /// <summary>DEL_PEER.</summary>
    public void DelPeer() => Send(OvpnIoctl.DelPeer);

    /// <summary>GET_VERSION.</summary>
    public OvpnVersion GetVersion() => Query<OvpnVersion>(OvpnIoctl.GetVersion);

    /// <summary>SET_MODE.</summary>
    public void SetMode(OvpnMode mode) => Send(OvpnIoctl.SetMode, new OvpnSetMode { Mode = mode });

    // ---- MP ----

    /// <summary>MP_START_VPN: open the UDP listen socket.</summary>
    public void MpStartVpn(IPEndPoint listenAddress, bool ipv6Only = false)
        => MpStartVpn(new OvpnMpStartVpn { ListenAddress = SockAddrConverter.ToSockAddrInet(listenAddress), IPv6Only = ipv6Only ? 1 : 0 });

    /// <summary>MP_START_VPN.</summary>
    public void MpStartVpn(in OvpnMpStartVpn request) => Send(OvpnIoctl.MpStartVpn, request);

    /// <summary>MP_NEW_PEER.</summary>
    public void MpNewPeer(in OvpnMpNewPeer peer) => Send(OvpnIoctl.MpNewPeer, peer);

    /// <summary>MP_NEW_PEER from endpoints and the peer's VPN addresses (either may be null).</summary>
    public void MpNewPeer(int peerId, IPEndPoint local, IPEndPoint remote, IPAddress? vpnAddress4, IPAddress? vpnAddress6)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        var peer = new OvpnMpNewPeer
        {
            Local = SockAddrConverter.ToSockAddrInet(local),
            Remote = SockAddrConverter.ToSockAddrInet(remote),
            PeerId = peerId,
        };
        if (vpnAddress4 is not null)
            peer.VpnAddr4 = SockAddrConverter.ToInAddr(vpnAddress4);
        if (vpnAddress6 is not null)
            peer.VpnAddr6 = SockAddrConverter.ToIn6Addr(vpnAddress6);
        MpNewPeer(peer);
    }

    /// <summary>MP_SET_PEER.</summary>
    public void MpSetPeer(int peerId, int keepaliveInterval, int keepaliveTimeout, int mss)
        => MpSetPeer(new OvpnMpSetPeer { PeerId = peerId, KeepaliveInterval = keepaliveInterval, KeepaliveTimeout = keepaliveTimeout, MSS = mss });

    /// <summary>MP_SET_PEER.</summary>
    public void MpSetPeer(in OvpnMpSetPeer settings) => Send(OvpnIoctl.MpSetPeer, settings);

    /// <summary>NOTIFY_EVENT: completes when the driver reports a peer event.</summary>
    public async Task<OvpnNotifyEvent> NotifyEventAsync(CancellationToken cancellationToken = default)
    {
        var buffer = new byte[Unsafe.SizeOf<OvpnNotifyEvent>()];
        int n = await Transport.DeviceIoControlAsync(OvpnIoctl.NotifyEvent, ReadOnlyMemory<byte>.Empty, buffer, cancellationToken)
            .ConfigureAwait(false);
        if (n < buffer.Length)
        {
            throw new DcoException($"OVPN_IOCTL_NOTIFY_EVENT returned {n} of {buffer.Length} bytes", NtStatus.InvalidBufferSize,
                Win32Error.InvalidUserBuffer);
        }
        return MemoryMarshal.Read<OvpnNotifyEvent>(buffer);
    }

    /// <summary>MP_DEL_PEER.</summary>
    public void MpDelPeer(int peerId) => Send(OvpnIoctl.MpDelPeer, new OvpnMpDelPeer { PeerId = peerId });

    /// <summary>MP_SWAP_KEYS.</summary>
    public void MpSwapKeys(int peerId) => Send(OvpnIoctl.MpSwapKeys, new OvpnMpSwapKeys { PeerId = peerId });

    /// <summary>MP_ADD_IROUTE: route <paramref name="network"/>/<paramref name="netbits"/> to a peer.</summary>
    public void MpAddIroute(int peerId, IPAddress network, int netbits) => Send(OvpnIoctl.MpAddIroute, CreateIroute(peerId, network, netbits));

    /// <summary>MP_DEL_IROUTE.</summary>
    public void MpDelIroute(int peerId, IPAddress network, int netbits) => Send(OvpnIoctl.MpDelIroute, CreateIroute(peerId, network, netbits));

    /// <summary>The OVPN_MP_IROUTE for a network.</summary>
    public static OvpnMpIroute CreateIroute(int peerId, IPAddress network, int netbits)
    {
        ArgumentNullException.ThrowIfNull(network);
        bool v6 = network.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        int max = v6 ? 128 : 32;
        if (netbits < 0 || netbits > max)
            throw new ArgumentOutOfRangeException(nameof(netbits), netbits, $"a {(v6 ? "IPv6" : "IPv4")} prefix length is 0..{max}");
        return new OvpnMpIroute { Addr = SockAddrConverter.ToInetAddr(network), Netbits = netbits, PeerId = peerId, IPv6 = v6 ? 1 : 0 };
    }

    /// <summary>GET_PEER_STATS of one peer (P2P: the peer, by the id its server pushed; MP: by id). Drivers before 2.7 fail
    /// with INVALID_DEVICE_REQUEST (ERROR_INVALID_FUNCTION): fall back to <see cref="GetStats"/> as OpenVPN does.</summary>
    public OvpnPeerStats GetPeerStats(int peerId)
    {
        OvpnPeerStats result = default;
        var output = MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref result, 1));
        int n = Transport.DeviceIoControl(OvpnIoctl.GetPeerStats, Bytes(peerId), output);
        if (n != output.Length)
            throw new DcoException($"OVPN_IOCTL_GET_PEER_STATS returned {n} of {output.Length} bytes", NtStatus.InvalidBufferSize, Win32Error.InvalidUserBuffer);
        return result;
    }

    /// <summary>
    /// GET_PEER_STATS of every peer, the way OpenVPN 2.7's server asks (dco_win.c): a 4-byte size query first (STATUS_BUFFER_OVERFLOW
    /// with the size in bytes, or success with 0 bytes when there is no peer), then a buffer of that size. A peer added between
    /// the two calls makes the second one overflow: the entries that fit are returned.
    /// </summary>
    public OvpnPeerStats[] GetAllPeerStats()
    {
        int entry = Unsafe.SizeOf<OvpnPeerStats>();
        Span<byte> size = stackalloc byte[sizeof(uint)];
        int required;
        try
        {
            int n = Transport.DeviceIoControl(OvpnIoctl.GetPeerStats, Bytes(UapiLimits.AllPeers), size);
            if (n != 0)
                throw new DcoException($"OVPN_IOCTL_GET_PEER_STATS size query succeeded with {n} bytes", NtStatus.InvalidBufferSize, Win32Error.InvalidUserBuffer);
            return Array.Empty<OvpnPeerStats>();
        }
        catch (DcoException e) when (e.Status == NtStatus.BufferOverflow)
        {
            required = (int)BinaryPrimitives.ReadUInt32LittleEndian(size);
        }
        if (required < entry || required % entry != 0)
            throw new DcoException($"OVPN_IOCTL_GET_PEER_STATS size query answered {required} bytes", NtStatus.InvalidBufferSize, Win32Error.InvalidUserBuffer);
        var buffer = new OvpnPeerStats[required / entry];
        int got;
        try
        {
            got = Transport.DeviceIoControl(OvpnIoctl.GetPeerStats, Bytes(UapiLimits.AllPeers), MemoryMarshal.AsBytes(buffer.AsSpan()));
        }
        catch (DcoException e) when (e.Status == NtStatus.BufferOverflow)
        {
            got = required; // a warning status: the entries that fit were copied out
        }
        return buffer.AsSpan(0, got / entry).ToArray();
    }

    // ---- control channel ----

    /// <summary>Reads one control packet (P2P; in MP the packet starts with the source address, see <see cref="MpReadControlPacketAsync"/>).
    /// Use a buffer of <see cref="UapiLimits.ControlReadBufferSize"/> bytes: the driver drops a packet that does not fit.</summary>
    public ValueTask<int> ReadControlPacketAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => Transport.ReadAsync(buffer, cancellationToken);

    /// <summary>Writes one control packet (P2P; at most <see cref="UapiLimits.MaxControlPacketSize"/> bytes).</summary>
    public async ValueTask WriteControlPacketAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken = default)
        => await Transport.WriteAsync(packet, cancellationToken).ConfigureAwait(false);

    /// <summary>Reads one MP control packet: a SOCKADDR_IN/IN6 of the source, then the packet.</summary>
    public async ValueTask<MpControlPacket> MpReadControlPacketAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await Transport.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        var source = SockAddrConverter.Read(buffer.Span[..n], out int prefix);
        return new MpControlPacket(source, buffer[prefix..n]);
    }

    /// <summary>Writes one MP control packet to <paramref name="destination"/> (prefixed with its SOCKADDR_IN/IN6).</summary>
    public async ValueTask MpWriteControlPacketAsync(IPEndPoint destination, ReadOnlyMemory<byte> packet, CancellationToken cancellationToken = default)
    {
        var buffer = new byte[SockAddr.Inet6Size + packet.Length];
        int prefix = SockAddrConverter.Write(destination, buffer);
        packet.CopyTo(buffer.AsMemory(prefix));
        await Transport.WriteAsync(buffer.AsMemory(0, prefix + packet.Length), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The FLOAT_PEER address of a notification (null when its family is not AF_INET/AF_INET6).</summary>
    public static IPEndPoint? FloatEndPoint(in OvpnNotifyEvent notification)
        => SockAddrConverter.TryToEndPoint(notification.FloatAddress.Inet, out var endPoint) ? endPoint : null;
}
