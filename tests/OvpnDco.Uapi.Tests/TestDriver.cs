using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi.Tests;

/// <summary>The test driver's device state: a small fake of the real driver's IOCTL behaviour (UAPI.md).</summary>
public struct FakeDevice
{
    public OvpnMode Mode;
    public bool ModeLocked;
    public bool PeerExists;
    public bool TcpConnected;
    public bool Started;
    public bool MpListening;
    public OvpnNewPeer Peer;
    public OvpnSetPeer Keepalive;
    public OvpnCryptoData Primary;
    public OvpnCryptoData Secondary;
    public OvpnCryptoOptions Options;
    public OvpnStats Stats;
    public int SwapCount;
    public int Calls;
    public Dictionary<int, OvpnMpNewPeer> MpPeers;
    public Dictionary<int, OvpnMpSetPeer> MpKeepalive;
    public List<OvpnMpIroute> Iroutes;
    public Queue<OvpnNotifyEvent> Events;

    public static FakeDevice Create() => new()
    {
        MpPeers = new Dictionary<int, OvpnMpNewPeer>(),
        MpKeepalive = new Dictionary<int, OvpnMpSetPeer>(),
        Iroutes = new List<OvpnMpIroute>(),
        Events = new Queue<OvpnNotifyEvent>(),
    };

    /// <summary>The mode the dispatch checks against.</summary>
    public readonly IoctlModes DispatchMode => Mode == OvpnMode.MP ? IoctlModes.MP : IoctlModes.P2P;
}

/// <summary>
/// IOCTL handlers with the contract of the real driver's, dispatched through the GENERATED table
/// (<c>TestDriver.DispatchIoctl</c>): the dispatch does the size/mode checks and zeroing, the handlers only the logic.
/// </summary>
public static partial class TestDriver
{
    public static readonly OvpnVersion Version = new() { Major = 2, Minor = 5, Patch = 1 };

    private static T Read<T>(ReadOnlySpan<byte> input)
        where T : unmanaged
        => MemoryMarshal.Read<T>(input);

    private static int Write<T>(Span<byte> output, in T value)
        where T : unmanaged
    {
        MemoryMarshal.Write(output, in value);
        return Marshal.SizeOf<T>();
    }

    private static void Lock(ref FakeDevice d) => d.ModeLocked = true;

    [Ioctl(OvpnIoctl.NewPeer, Input = typeof(OvpnNewPeer), Modes = IoctlModes.P2P)]
    private static NtStatus NewPeer(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        Lock(ref d);
        var peer = Read<OvpnNewPeer>(input);
        if (d.PeerExists)
            return NtStatus.ObjectIdExists;
        var status = SockAddr.ValidatePair(peer.Local, peer.Remote);
        if (!status.IsSuccess())
            return status;
        if (peer.Proto == OvpnProto.Tcp && !d.TcpConnected)
            return NtStatus.Pending;
        d.Peer = peer;
        d.PeerExists = true;
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.GetStats, Output = typeof(OvpnStats))]
    private static NtStatus GetStats(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        bytesReturned = Write(output, d.Stats);
        return NtStatus.Success;
    }

    private static NtStatus InstallKey(ref FakeDevice d, in OvpnCryptoData key)
    {
        if (key.KeySlot is not (OvpnKeySlot.Primary or OvpnKeySlot.Secondary)
            || key.CipherAlg is not (OvpnCipherAlg.None or OvpnCipherAlg.AesGcm or OvpnCipherAlg.ChaCha20Poly1305)
            || (key.CipherAlg != OvpnCipherAlg.None && !UapiLimits.IsValidKeyLength(key.Encrypt.KeyLen))
            || (key.CipherAlg == OvpnCipherAlg.ChaCha20Poly1305 && key.Encrypt.KeyLen != 32))
            return NtStatus.InvalidDeviceRequest;
        if (d.Mode == OvpnMode.P2P ? !d.PeerExists : !d.MpPeers.ContainsKey(key.PeerId))
            return NtStatus.InvalidDeviceRequest;
        if (key.KeySlot == OvpnKeySlot.Primary)
            d.Primary = key;
        else
            d.Secondary = key;
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.NewKey, Input = typeof(OvpnCryptoData))]
    private static NtStatus NewKey(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        d.Options = 0;
        return InstallKey(ref d, Read<OvpnCryptoData>(input));
    }

    [Ioctl(OvpnIoctl.SwapKeys, Modes = IoctlModes.P2P)]
    private static NtStatus SwapKeys(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        if (!d.PeerExists)
            return NtStatus.InvalidDeviceRequest;
        (d.Primary, d.Secondary) = (d.Secondary, d.Primary);
        d.SwapCount++;
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.SetPeer, Input = typeof(OvpnSetPeer), Modes = IoctlModes.P2P)]
    private static NtStatus SetPeer(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        if (!d.PeerExists)
            return NtStatus.InvalidDeviceRequest;
        d.Keepalive = Read<OvpnSetPeer>(input);
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.StartVpn, Modes = IoctlModes.P2P)]
    private static NtStatus StartVpn(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        if (!d.PeerExists)
            return NtStatus.InvalidDeviceRequest;
        d.Started = true;
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.DelPeer, Modes = IoctlModes.P2P)]
    private static NtStatus DelPeer(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        d.PeerExists = false;
        d.Started = false;
        return NtStatus.Success; // always succeeds
    }

    [Ioctl(OvpnIoctl.GetVersion, Output = typeof(OvpnVersion), Modes = IoctlModes.Any | IoctlModes.ControlDevice)]
    private static NtStatus GetVersion(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        bytesReturned = Write(output, Version);
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.NewKeyV2, Input = typeof(OvpnCryptoDataV2))]
    private static NtStatus NewKeyV2(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        var key = Read<OvpnCryptoDataV2>(input);
        if ((key.CryptoOptions & ~(OvpnCryptoOptions.AeadTagEnd | OvpnCryptoOptions.PacketId64Bit | OvpnCryptoOptions.Epoch)) != 0)
            return NtStatus.InvalidDeviceRequest;
        var status = InstallKey(ref d, key.V1);
        if (status.IsSuccess())
            d.Options = key.CryptoOptions;
        return status;
    }

    [Ioctl(OvpnIoctl.SetMode, Input = typeof(OvpnSetMode))]
    private static NtStatus SetMode(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        var mode = Read<OvpnSetMode>(input).Mode;
        if (d.ModeLocked)
            return NtStatus.AlreadyInitialized;
        if (mode is not (OvpnMode.P2P or OvpnMode.MP))
            return NtStatus.InvalidDeviceRequest;
        d.Mode = mode;
        d.ModeLocked = true;
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.MpStartVpn, Input = typeof(OvpnMpStartVpn), Modes = IoctlModes.MP)]
    private static NtStatus MpStartVpn(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        var request = Read<OvpnMpStartVpn>(input);
        if (d.MpListening)
            return NtStatus.AlreadyInitialized;
        var status = SockAddr.Validate(request.ListenAddress);
        if (status.IsSuccess())
            d.MpListening = true;
        return status;
    }

    [Ioctl(OvpnIoctl.MpNewPeer, Input = typeof(OvpnMpNewPeer), Modes = IoctlModes.MP)]
    private static NtStatus MpNewPeer(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        var peer = Read<OvpnMpNewPeer>(input);
        if (d.MpPeers.ContainsKey(peer.PeerId))
            return NtStatus.ObjectIdExists;
        d.MpPeers[peer.PeerId] = peer;
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.MpSetPeer, Input = typeof(OvpnMpSetPeer), Modes = IoctlModes.MP)]
    private static NtStatus MpSetPeer(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        var settings = Read<OvpnMpSetPeer>(input);
        if (!d.MpPeers.ContainsKey(settings.PeerId))
            return NtStatus.InvalidDeviceRequest;
        d.MpKeepalive[settings.PeerId] = settings;
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.NotifyEvent, Output = typeof(OvpnNotifyEvent), Modes = IoctlModes.MP)]
    private static NtStatus NotifyEvent(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        if (d.Events.Count == 0)
            return NtStatus.Pending;
        bytesReturned = Write(output, d.Events.Dequeue());
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.MpDelPeer, Input = typeof(OvpnMpDelPeer), Modes = IoctlModes.MP)]
    private static NtStatus MpDelPeer(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        int id = Read<OvpnMpDelPeer>(input).PeerId;
        return d.MpPeers.Remove(id) ? NtStatus.Success : NtStatus.InvalidDeviceRequest;
    }

    [Ioctl(OvpnIoctl.MpSwapKeys, Input = typeof(OvpnMpSwapKeys), Modes = IoctlModes.MP)]
    private static NtStatus MpSwapKeys(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        int id = Read<OvpnMpSwapKeys>(input).PeerId;
        if (!d.MpPeers.ContainsKey(id))
            return NtStatus.InvalidDeviceRequest;
        d.SwapCount++;
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.MpAddIroute, Input = typeof(OvpnMpIroute), Modes = IoctlModes.MP)]
    private static NtStatus MpAddIroute(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        var route = Read<OvpnMpIroute>(input);
        if (!d.MpPeers.ContainsKey(route.PeerId))
            return NtStatus.InvalidDeviceRequest;
        d.Iroutes.Add(route);
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.MpDelIroute, Input = typeof(OvpnMpIroute), Modes = IoctlModes.MP)]
    private static NtStatus MpDelIroute(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        var route = Read<OvpnMpIroute>(input);
        int index = d.Iroutes.FindIndex(r => r.PeerId == route.PeerId && r.Netbits == route.Netbits && r.IPv6 == route.IPv6);
        if (index < 0)
            return NtStatus.NotFound;
        d.Iroutes.RemoveAt(index);
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.GetPeerStats, Input = typeof(OvpnGetPeerStats), Output = typeof(uint), Modes = IoctlModes.P2P | IoctlModes.MP)]
    private static NtStatus GetPeerStats(ref FakeDevice d, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        d.Calls++;
        int id = Read<int>(input);
        int size = Marshal.SizeOf<OvpnPeerStats>();
        if (id != UapiLimits.AllPeers)
        {
            if (!d.MpPeers.ContainsKey(id))
                return NtStatus.NotFound;
            if (output.Length < size)
                return NtStatus.BufferTooSmall;
            bytesReturned = Write(output, new OvpnPeerStats { PeerId = id, LinkRxBytes = 100L * id, VpnTxBytes = id });
            return NtStatus.Success;
        }
        var ids = new List<int>(d.MpPeers.Keys);
        ids.Sort();
        if (output.Length < size)
        {
            if (ids.Count == 0)
                return NtStatus.Success;
            bytesReturned = Write(output, (uint)(ids.Count * size));
            return NtStatus.BufferOverflow;
        }
        if (output.Length < ids.Count * size)
            return NtStatus.BufferOverflow;
        foreach (int peer in ids)
            bytesReturned += Write(output[bytesReturned..], new OvpnPeerStats { PeerId = peer, LinkRxBytes = 100L * peer, VpnTxBytes = peer });
        return NtStatus.Success;
    }
}
