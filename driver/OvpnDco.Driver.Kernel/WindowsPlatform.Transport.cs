using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// Transport: the WSK UDP socket (<see cref="WskTransport{TWdk, TKm}"/>) and the transport buffers
/// (<see cref="TransportBuffers{TWdk}"/>). TCP is not written yet: a TCP NEW_PEER fails with NotSupported. The
/// adapter's receive side is <see cref="RxRing{TWdk, TKm}"/>.
/// </summary>
public unsafe partial struct WindowsPlatform<TWdk, TKm>
{
    public static int TransportOpen(nint context, int proto, void* local, void* remote)
    {
        if (proto != (int)OvpnProto.Udp)
            return (int)NtStatus.NotSupported;
        return (int)WskTransport<TWdk, TKm>.Open((DeviceContext*)context, (SockAddrInet*)local, ((SockAddrInet*)remote)->Family, false);
    }

    public static int TransportListen(nint context, void* listen, bool ipv6Only) =>
        (int)WskTransport<TWdk, TKm>.Open((DeviceContext*)context, (SockAddrInet*)listen, ((SockAddrInet*)listen)->Family, ipv6Only);

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
