namespace OvpnDco.Driver.Kernel;

/// <summary>
/// Transport (WSK) and adapter receive path: still the C backend's (runtime-kernel/km, ovpn_km.h). The WSK and
/// NetAdapterCx bindings they need are in runtime-kernel/OvpnDco.Wdk; writing these in C# on them is the next step.
/// </summary>
public unsafe partial struct WindowsPlatform<TWdk, TKm>
{
    public static int TransportOpen(nint context, int proto, void* local, void* remote) => TKm.TransportOpen(context, proto, local, remote);

    public static int TransportListen(nint context, void* listen, bool ipv6Only) => TKm.TransportListen(context, listen, ipv6Only);

    public static void TransportClose(nint context) => TKm.TransportClose(context);

    public static byte* TransportBuffer(nint context, int size) => TKm.TransportBuffer(context, size);

    public static void TransportBufferRelease(nint context, byte* buffer) => TKm.TransportBufferRelease(context, buffer);

    public static int TransportSend(nint context, int proto, void* remote, byte* data, int length) => TKm.TransportSend(context, proto, remote, data, length);

    public static byte* AdapterBuffer(nint context, int size) => TKm.AdapterBuffer(context, size);

    public static void AdapterBufferRelease(nint context, byte* buffer) => TKm.AdapterBufferRelease(context, buffer);

    public static void AdapterDeliver(nint context, byte* packet, int length) => TKm.AdapterDeliver(context, packet, length);

    public static void AdapterSetLink(nint context, bool connected) => TKm.AdapterSetLink(context, connected);
}
