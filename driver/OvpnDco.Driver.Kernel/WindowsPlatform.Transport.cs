using OvpnDco.Driver.Binding;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// Transport: the WSK socket (<see cref="WskTransport{TWdk, TKm}"/>, TCP receive in <see cref="WskStream{TWdk, TKm}"/>)
/// and the transport buffers (<see cref="TransportBuffers{TWdk}"/>). The adapter's receive side is
/// <see cref="RxRing{TWdk, TKm}"/>.
/// </summary>
public unsafe partial struct WindowsPlatform<TWdk, TKm>
{
    /// <summary>UDP: Success once the socket's creation is under way. TCP: Pending; the connect's completion completes NEW_PEER.</summary>
    public static int TransportOpen(nint context, int proto, void* local, void* remote)
    {
        var ctx = (DeviceContext*)context;
        if (proto != (int)OvpnProto.Udp && proto != (int)OvpnProto.Tcp)
            return (int)NtStatus.NotSupported;
        bool tcp = proto == (int)OvpnProto.Tcp;
        var status = WskTransport<TWdk, TKm>.Open(ctx, (SockAddrInet*)local, (SockAddrInet*)remote, ((SockAddrInet*)remote)->Family, false, tcp,
            Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.TransportNumber(ctx->State));
        return (int)(tcp && status == NtStatus.Success ? NtStatus.Pending : status);
    }

    public static int TransportListen(nint context, void* listen, bool ipv6Only)
    {
        var ctx = (DeviceContext*)context;
        return (int)WskTransport<TWdk, TKm>.Open(ctx, (SockAddrInet*)listen, null, ((SockAddrInet*)listen)->Family, ipv6Only, false,
            Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.TransportNumber(ctx->State));
    }

    public static void TransportClose(nint context) => WskTransport<TWdk, TKm>.Close((DeviceContext*)context);

    public static byte* TransportBuffer(nint context, int size) => TransportBuffers<TWdk>.Take((DeviceContext*)context, size);

    public static void TransportBufferRelease(nint context, byte* buffer) => TransportBuffers<TWdk>.Release((DeviceContext*)context, buffer);

    public static int TransportSend(nint context, int proto, void* remote, byte* data, int length) =>
        (int)WskTransport<TWdk, TKm>.Send((DeviceContext*)context, (SockAddrInet*)remote, data, length);

    public static byte* AdapterBuffer(nint context, int size) => RxRing<TWdk, TKm>.Buffer((DeviceContext*)context, size);

    public static void AdapterBufferRelease(nint context, byte* buffer) => RxRing<TWdk, TKm>.Release((DeviceContext*)context, buffer);

    public static void AdapterDeliver(nint context, byte* packet, int length) => RxRing<TWdk, TKm>.Deliver((DeviceContext*)context, packet, length);

    /// <summary>NetAdapterSetLinkState: connected at START_VPN, disconnected when the handle closes.</summary>
    public static void AdapterSetLink(nint context, bool connected)
    {
        var ctx = (DeviceContext*)context;
        if (ctx->Adapter.Value == 0)
            return;
        NET_ADAPTER_LINK_STATE link;
        TWdk.NET_ADAPTER_LINK_STATE_INIT(&link, KernelEntry.LinkSpeed,
            connected ? NET_IF_MEDIA_CONNECT_STATE.MediaConnectStateConnected : NET_IF_MEDIA_CONNECT_STATE.MediaConnectStateDisconnected,
            NET_IF_MEDIA_DUPLEX_STATE.MediaDuplexStateFull, NET_ADAPTER_PAUSE_FUNCTION_TYPE.NetAdapterPauseFunctionTypeUnsupported,
            NET_ADAPTER_AUTO_NEGOTIATION_FLAGS.NetAdapterAutoNegotiationFlagNone);
        TWdk.NetAdapterSetLinkState(ctx->Adapter, &link);
    }
}
