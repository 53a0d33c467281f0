using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

// Winsock Kernel (wsk.h): registration, the provider NPI, datagram and connection sockets, their event callbacks.
// Socket operations complete through an IRP whose completion routine the client sets (IoSetCompletionRoutine).

[ExternType("PWSK_SOCKET", Header = "wsk.h", IsHandle = true)] public struct PWSK_SOCKET { public nint Value; }
[ExternType("PWSK_CLIENT", Header = "wsk.h", IsHandle = true)] public struct PWSK_CLIENT { public nint Value; }
[ExternType("PSOCKADDR", Header = "wsk.h", IsHandle = true)] public struct PSOCKADDR { public nint Value; }

/// <summary><c>CONST VOID*</c> (WskSocket's Dispatch): a function-pointer parameter's type must match the header's exactly.</summary>
[ExternType("const void *", Header = "wsk.h", IsHandle = true)] public struct PCVOID { public nint Value; }
[ExternType("PEPROCESS", Header = "ntddk.h", IsHandle = true)] public struct PEPROCESS { public nint Value; }
[ExternType("PETHREAD", Header = "ntddk.h", IsHandle = true)] public struct PETHREAD { public nint Value; }

/// <summary>WskControlSocket's request type.</summary>
[ExternType("WSK_CONTROL_SOCKET_TYPE", Header = "wsk.h")] public enum WSK_CONTROL_SOCKET_TYPE : int { WskSetOption = 0 }

/// <summary>A control-message header (WskSendTo's ControlInfo, unused: null).</summary>
[ExternType("CMSGHDR", Header = "wsk.h")] public struct CMSGHDR { }

/// <summary>The socket object: its Dispatch is the provider's table for the socket's kind.</summary>
[ExternType("WSK_SOCKET", Header = "wsk.h")]
public unsafe struct WSK_SOCKET
{
    public void* Dispatch;
}

/// <summary>A buffer described by an MDL chain.</summary>
[ExternType("WSK_BUF", Header = "wsk.h")]
public struct WSK_BUF
{
    public PMDL Mdl;
    public ULONG Offset;
    public nuint Length;
}

[ExternType("WSK_DATAGRAM_INDICATION", Header = "wsk.h")]
public unsafe struct WSK_DATAGRAM_INDICATION
{
    public WSK_DATAGRAM_INDICATION* Next;
    public WSK_BUF Buffer;
    public PSOCKADDR RemoteAddress;
}

[ExternType("WSK_DATA_INDICATION", Header = "wsk.h")]
public unsafe struct WSK_DATA_INDICATION
{
    public WSK_DATA_INDICATION* Next;
    public WSK_BUF Buffer;
}

[ExternType("WSK_CLIENT_DISPATCH", Header = "wsk.h")]
public struct WSK_CLIENT_DISPATCH
{
    public ushort Version;
    public ushort Reserved;
}

[ExternType("WSK_CLIENT_NPI", Header = "wsk.h")]
public unsafe struct WSK_CLIENT_NPI
{
    public void* ClientContext;
    public WSK_CLIENT_DISPATCH* Dispatch;
}

[ExternType("WSK_REGISTRATION", Header = "wsk.h")] public struct WSK_REGISTRATION { }

/// <summary>The provider's dispatch table (WskSocket creates a socket; completion through the IRP).</summary>
[ExternType("WSK_PROVIDER_DISPATCH", Header = "wsk.h")]
public unsafe struct WSK_PROVIDER_DISPATCH
{
    public ushort Version;
    public delegate* unmanaged[Stdcall]<PWSK_CLIENT, ushort, ushort, ULONG, ULONG, void*, PCVOID, PEPROCESS, PETHREAD, void*, PIRP, NTSTATUS> WskSocket;
}

[ExternType("WSK_PROVIDER_NPI", Header = "wsk.h")]
public unsafe struct WSK_PROVIDER_NPI
{
    public PWSK_CLIENT Client;
    public WSK_PROVIDER_DISPATCH* Dispatch;
}

/// <summary>What every socket's dispatch table starts with (WskControlSocket, WskCloseSocket): used where the kind does not matter.</summary>
[ExternType("WSK_PROVIDER_BASIC_DISPATCH", Header = "wsk.h")]
public unsafe struct WSK_PROVIDER_BASIC_DISPATCH
{
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, WSK_CONTROL_SOCKET_TYPE, ULONG, ULONG, SIZE_T, void*, SIZE_T, void*, SIZE_T*, PIRP, NTSTATUS> WskControlSocket;
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, PIRP, NTSTATUS> WskCloseSocket;
}

/// <summary>Datagram socket operations (the basic dispatch's members are reached directly, as C's anonymous member allows).</summary>
[ExternType("WSK_PROVIDER_DATAGRAM_DISPATCH", Header = "wsk.h")]
public unsafe struct WSK_PROVIDER_DATAGRAM_DISPATCH
{
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, WSK_CONTROL_SOCKET_TYPE, ULONG, ULONG, SIZE_T, void*, SIZE_T, void*, SIZE_T*, PIRP, NTSTATUS> WskControlSocket;
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, PIRP, NTSTATUS> WskCloseSocket;
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, PSOCKADDR, ULONG, PIRP, NTSTATUS> WskBind;
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, WSK_BUF*, ULONG, PSOCKADDR, ULONG, CMSGHDR*, PIRP, NTSTATUS> WskSendTo;
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, WSK_DATAGRAM_INDICATION*, NTSTATUS> WskRelease;
}

/// <summary>Connection (TCP) socket operations (the basic dispatch's members reached directly, as for datagrams).</summary>
[ExternType("WSK_PROVIDER_CONNECTION_DISPATCH", Header = "wsk.h")]
public unsafe struct WSK_PROVIDER_CONNECTION_DISPATCH
{
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, WSK_CONTROL_SOCKET_TYPE, ULONG, ULONG, SIZE_T, void*, SIZE_T, void*, SIZE_T*, PIRP, NTSTATUS> WskControlSocket;
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, PIRP, NTSTATUS> WskCloseSocket;
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, PSOCKADDR, ULONG, PIRP, NTSTATUS> WskBind;
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, PSOCKADDR, ULONG, PIRP, NTSTATUS> WskConnect;
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, WSK_BUF*, ULONG, PIRP, NTSTATUS> WskSend;
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, WSK_BUF*, ULONG, PIRP, NTSTATUS> WskDisconnect;
    public delegate* unmanaged[Stdcall]<PWSK_SOCKET, WSK_DATA_INDICATION*, NTSTATUS> WskRelease;
}

/// <summary>The events a datagram socket raises (set with WSK_SET_STATIC_EVENT_CALLBACKS or enabled per socket).</summary>
[ExternType("WSK_CLIENT_DATAGRAM_DISPATCH", Header = "wsk.h")]
public unsafe struct WSK_CLIENT_DATAGRAM_DISPATCH
{
    public delegate* unmanaged[Stdcall]<void*, ULONG, WSK_DATAGRAM_INDICATION*, NTSTATUS> WskReceiveFromEvent;
}

[ExternType("WSK_CLIENT_CONNECTION_DISPATCH", Header = "wsk.h")]
public unsafe struct WSK_CLIENT_CONNECTION_DISPATCH
{
    public delegate* unmanaged[Stdcall]<void*, ULONG, WSK_DATA_INDICATION*, SIZE_T, SIZE_T*, NTSTATUS> WskReceiveEvent;
    public delegate* unmanaged[Stdcall]<void*, ULONG, NTSTATUS> WskDisconnectEvent;
}

public static class WskConstants
{
    /// <summary>MAKE_WSK_VERSION(1, 0).</summary>
    public const ushort WskVersion1_0 = 0x100;
    [CName("WSK_FLAG_CONNECTION_SOCKET")] public static readonly uint WSK_FLAG_CONNECTION_SOCKET = 2;
    [CName("WSK_FLAG_DATAGRAM_SOCKET")] public static readonly uint WSK_FLAG_DATAGRAM_SOCKET = 4;
    public const uint WSK_NO_WAIT = 0;
    public const uint WSK_INFINITE_WAIT = 0xffffffff;
    [CName("WSK_EVENT_RECEIVE_FROM")] public static readonly uint WSK_EVENT_RECEIVE_FROM = 0x100;
    [CName("WSK_EVENT_RECEIVE")] public static readonly uint WSK_EVENT_RECEIVE = 0x40;
    [CName("WSK_EVENT_DISCONNECT")] public static readonly uint WSK_EVENT_DISCONNECT = 0x80;
    [CName("WSK_EVENT_DISABLE")] public static readonly uint WSK_EVENT_DISABLE = 0x80000000;
    /// <summary>WskDisconnectEvent's flag: the peer reset the connection (else it closed it gracefully).</summary>
    [CName("WSK_FLAG_ABORTIVE")] public static readonly uint WSK_FLAG_ABORTIVE = 1;

    // ws2def.h / ws2ipdef.h (included by wsk.h): what WskSocket, WskControlSocket and a SOCKADDR need.
    // [CName] static readonly, not const: the generated C passes the header's names (SOCK_DGRAM, not 2).
    [CName("AF_INET")] public static readonly ushort AF_INET = 2;
    [CName("AF_INET6")] public static readonly ushort AF_INET6 = 23;
    [CName("SOCK_STREAM")] public static readonly ushort SOCK_STREAM = 1;
    [CName("SOCK_DGRAM")] public static readonly ushort SOCK_DGRAM = 2;
    [CName("IPPROTO_TCP")] public static readonly uint IPPROTO_TCP = 6;
    [CName("IPPROTO_UDP")] public static readonly uint IPPROTO_UDP = 17;
    [CName("IPPROTO_IPV6")] public static readonly uint IPPROTO_IPV6 = 41;
    [CName("IPV6_V6ONLY")] public static readonly uint IPV6_V6ONLY = 27;
    [CName("SOL_SOCKET")] public static readonly uint SOL_SOCKET = 0xffff;
    [CName("SO_WSK_EVENT_CALLBACK")] public static readonly uint SO_WSK_EVENT_CALLBACK = 0x4002;
}

/// <summary>
/// WSK_EVENT_CALLBACK_CONTROL, the SO_WSK_EVENT_CALLBACK option's input: NpiId is &amp;NPI_WSK_INTERFACE_ID, EventMask
/// the WSK_EVENT_* to enable (or with WSK_EVENT_DISABLE, to disable).
/// </summary>
[ExternType("WSK_EVENT_CALLBACK_CONTROL", Header = "wsk.h")]
public unsafe struct WSK_EVENT_CALLBACK_CONTROL
{
    public GUID* NpiId;
    public ULONG EventMask;
}

/// <summary>Registration with the WSK subsystem (PASSIVE_LEVEL only: each may wait for the provider).</summary>
public unsafe interface IWsk
{
    static abstract NTSTATUS WskRegister(WSK_CLIENT_NPI* clientNpi, WSK_REGISTRATION* registration);
    static abstract void WskDeregister(WSK_REGISTRATION* registration);
    static abstract NTSTATUS WskCaptureProviderNPI(WSK_REGISTRATION* registration, ULONG waitTimeout, WSK_PROVIDER_NPI* providerNpi);
    static abstract void WskReleaseProviderNPI(WSK_REGISTRATION* registration);
}

public unsafe partial struct KernelWdk : IWsk
{
    [Import("WskRegister", Header = "wsk.h")] public static extern NTSTATUS WskRegister(WSK_CLIENT_NPI* clientNpi, WSK_REGISTRATION* registration);
    [Import("WskDeregister", Header = "wsk.h")] public static extern void WskDeregister(WSK_REGISTRATION* registration);
    [Import("WskCaptureProviderNPI", Header = "wsk.h")]
    public static extern NTSTATUS WskCaptureProviderNPI(WSK_REGISTRATION* registration, ULONG waitTimeout, WSK_PROVIDER_NPI* providerNpi);
    [Import("WskReleaseProviderNPI", Header = "wsk.h")] public static extern void WskReleaseProviderNPI(WSK_REGISTRATION* registration);
}
