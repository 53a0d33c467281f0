namespace OvpnDco.Driver.Kernel;

/// <summary>
/// Transport (WSK) and adapter receive path: still the C backend's (runtime-kernel/km, ovpn_km.h). The WSK and
/// NetAdapterCx bindings they need are in runtime-kernel/OvpnDco.Wdk; writing these in C# on them is the next step.
/// </summary>
public unsafe partial struct WindowsPlatform<TWdk>
{
    public static int TransportOpen(nint context, int proto, void* local, void* remote) => KmImports.TransportOpen(context, proto, local, remote);

    public static int TransportListen(nint context, void* listen, bool ipv6Only) => KmImports.TransportListen(context, listen, ipv6Only);

    public static void TransportClose(nint context) => KmImports.TransportClose(context);

    public static byte* TransportBuffer(nint context, int size) => KmImports.TransportBuffer(context, size);

    public static void TransportBufferRelease(nint context, byte* buffer) => KmImports.TransportBufferRelease(context, buffer);

    public static int TransportSend(nint context, int proto, void* remote, byte* data, int length) => KmImports.TransportSend(context, proto, remote, data, length);

    public static byte* AdapterBuffer(nint context, int size) => KmImports.AdapterBuffer(context, size);

    public static void AdapterBufferRelease(nint context, byte* buffer) => KmImports.AdapterBufferRelease(context, buffer);

    public static void AdapterDeliver(nint context, byte* packet, int length) => KmImports.AdapterDeliver(context, packet, length);

    public static void AdapterSetLink(nint context, bool connected) => KmImports.AdapterSetLink(context, connected);
}
