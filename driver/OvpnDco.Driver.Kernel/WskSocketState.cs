using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>Where the device's transport socket is in its life (<see cref="WskSocketState.Step"/>).</summary>
public enum WskStep
{
    /// <summary>No socket: never opened, or closed and its close completed.</summary>
    None = 0,
    /// <summary>WskSocket issued; its IRP completes with the socket.</summary>
    Creating = 1,
    /// <summary>WskControlSocket(IPV6_V6ONLY) issued (an IPv6 MP listen socket, before the bind).</summary>
    SettingV6Only = 2,
    /// <summary>WskBind issued.</summary>
    Binding = 3,
    /// <summary>Bound (and connected), receive events enabled: sends go out.</summary>
    Ready = 4,
    /// <summary>WskCloseSocket issued; its completion ends the socket's rundown reference.</summary>
    Closing = 5,
    /// <summary>A step failed: the socket (if created) is closed when the core closes the transport.</summary>
    Failed = 6,
    /// <summary>WskConnect issued (a TCP socket, after its bind); its completion ends the pended NEW_PEER.</summary>
    Connecting = 7,
    /// <summary>Bound (UDP) or connected (TCP): the notice DPC enables the receive events next.</summary>
    EventsQueued = 8,
    /// <summary>The notice DPC is enabling the receive events (SO_WSK_EVENT_CALLBACK); Ready next, or closed if a close came meanwhile.</summary>
    Enabling = 9,
}

/// <summary>What a socket is opened for: kept apart from the socket in flight so a queued reopen never overwrites an address the provider still reads.</summary>
public struct WskOpenRequest
{
    /// <summary>The address bound (a wildcard of the socket's family when the core gave none): its family is the socket's.</summary>
    public SockAddrInet Local;

    /// <summary>TCP: where WskConnect goes.</summary>
    public SockAddrInet Remote;
    public int Ipv6Only;

    /// <summary>1: a connection socket (P2P TCP); 0: a datagram socket (P2P UDP, the MP listen socket).</summary>
    public int Tcp;

    /// <summary>The core's number of this transport (<c>Driver.TransportNumber</c> at open), passed with its events.</summary>
    public uint Transport;

    /// <summary>1 while a queued request waits (<see cref="WskSocketState.Queued"/>).</summary>
    public int Valid;
}

/// <summary>
/// The device's one transport socket (P2P UDP or TCP, or the MP UDP listen socket). The core opens and closes it at
/// DISPATCH_LEVEL with its lock held, so nothing here waits: creation, the IPv6-only option, the bind and (TCP) the
/// connect are a chain of IRP completions (<see cref="WskTransport{TWdk, TKm}"/>), and close only issues
/// WskCloseSocket. An open while the previous socket's close is still in flight (NEW_PEER replacing a peer) is queued
/// and starts when that close completes. Every user of the socket holds <see cref="Rundown"/> (the socket itself from
/// creation until its close completes, each send until its completion); file cleanup waits for it at PASSIVE_LEVEL.
/// </summary>
public unsafe struct WskSocketState
{
    /// <summary>Guards Step, Socket, CloseRequested, Current and Queued; taken after the core's lock, never before.</summary>
    public EX_SPIN_LOCK Lock;
    public WskStep Step;

    /// <summary>1 once the core closed the transport while a step was in flight: that step's completion closes.</summary>
    public int CloseRequested;

    /// <summary>What the socket in flight was opened for (unchanged from its creation until its close completes).</summary>
    public WskOpenRequest Current;

    /// <summary>An open made while the previous socket was still closing: it starts when that close completes.</summary>
    public WskOpenRequest Queued;

    /// <summary>TCP: 1 once the core was told the connection is gone (one notice per connection, whatever saw it first; under the lock).</summary>
    public int Disconnected;

    /// <summary>
    /// The notice DPC (<see cref="WskTransport{TWdk, TKm}.OnNotice"/>): what must not run where it is found — enabling
    /// the receive events and calling the core — runs there. A completion routine or a send's completion can run
    /// inside the provider call that issued it, that is inside the core's lock; a DPC never runs while its CPU holds
    /// a spin lock.
    /// </summary>
    public KDPC Notice;

    /// <summary>TCP: 1 once a piece of the stream could not be mapped; what follows the hole is ignored until the socket closes.</summary>
    public int StreamBroken;

    /// <summary>For the DPC: a TCP connect ended, with this status, for this transport (0: no notice; under the lock).</summary>
    public NTSTATUS ConnectStatus;
    public uint ConnectTransport;

    /// <summary>For the DPC: the number of a TCP connection found lost (0: none), set without the lock (interlocked).</summary>
    public uint LostNotice;

    /// <summary>The IPV6_V6ONLY option's value (1), read by the provider until the IRP completes.</summary>
    public ULONG OptionValue;
    public PWSK_SOCKET Socket;

    /// <summary>The IRP of the socket's own requests (create, option, bind, connect, close): one at a time.</summary>
    public PIRP Irp;

    /// <summary>
    /// The IRP of a close issued while the connect is still pending on <see cref="Irp"/> (a TCP connect can wait tens
    /// of seconds for SYN retries; WskCloseSocket cancels it).
    /// </summary>
    public PIRP CloseIrp;

    /// <summary>Such an aborted connect: bit 1 while the cancelled connect has not completed, bit 2 while the close has not; the socket ends at 0.</summary>
    public int AbortPending;

    public EX_RUNDOWN_REF Rundown;

    /// <summary>The SO_WSK_EVENT_CALLBACK input and the NPI id it points to (NPI_WSK_INTERFACE_ID).</summary>
    public WSK_EVENT_CALLBACK_CONTROL Events;
    public GUID NpiId;

    /// <summary>The datagram socket's event table (WskReceiveFromEvent), given to WskSocket.</summary>
    public WSK_CLIENT_DATAGRAM_DISPATCH DatagramEvents;

    /// <summary>The connection socket's event table (WskReceiveEvent, WskDisconnectEvent), given to WskSocket.</summary>
    public WSK_CLIENT_CONNECTION_DISPATCH ConnectionEvents;

    /// <summary>
    /// The completion routines (non-generic [UnmanagedCallersOnly] entry points: the kernel's in
    /// <see cref="KernelWsk"/>, the tests' in their simulation), set at device add.
    /// </summary>
    public delegate* unmanaged<PDEVICE_OBJECT, PIRP, void*, NTSTATUS> StepComplete;
    public delegate* unmanaged<PDEVICE_OBJECT, PIRP, void*, NTSTATUS> SendComplete;

    /// <summary>Datagrams dropped on receive (too long, no pool memory for a chained one, or unmappable); TCP: indications that could not be mapped.</summary>
    public int RxDropped;
    public int SendsCompleted;
    public int SendsFailed;
}

/// <summary>
/// The transport's entry points as the WSK provider and the I/O manager call them: non-generic [UnmanagedCallersOnly]
/// functions (the kernel's in <see cref="KernelWsk"/>, the tests' in their simulation), given to
/// <see cref="WskTransport{TWdk, TKm}.Init"/> at device add. The socket's events carry the DeviceContext, the socket
/// IRP's completion too; a send's completion carries its TransportBuffer.
/// </summary>
public unsafe struct WskCallbacks
{
    public delegate* unmanaged[Stdcall]<void*, ULONG, WSK_DATAGRAM_INDICATION*, NTSTATUS> ReceiveFrom;
    public delegate* unmanaged[Stdcall]<void*, ULONG, WSK_DATA_INDICATION*, SIZE_T, SIZE_T*, NTSTATUS> Receive;
    public delegate* unmanaged[Stdcall]<void*, ULONG, NTSTATUS> Disconnect;
    public delegate* unmanaged<PDEVICE_OBJECT, PIRP, void*, NTSTATUS> StepComplete;
    public delegate* unmanaged<PDEVICE_OBJECT, PIRP, void*, NTSTATUS> SendComplete;
    public delegate* unmanaged<KDPC*, void*, void*, void*, void> Notice;
}
