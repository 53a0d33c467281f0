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
    /// <summary>Bound, receive events enabled: sends go out.</summary>
    Ready = 4,
    /// <summary>WskCloseSocket issued; its completion ends the socket's rundown reference.</summary>
    Closing = 5,
    /// <summary>A step failed: the socket (if created) is closed when the core closes the transport.</summary>
    Failed = 6,
}

/// <summary>
/// The device's one transport socket (P2P UDP, or the MP UDP listen socket). The core opens and closes it at
/// DISPATCH_LEVEL with its lock held, so nothing here waits: creation, the IPv6-only option and the bind are a chain
/// of IRP completions (<see cref="WskTransport{TWdk, TKm}"/>), and close only issues WskCloseSocket. Every user of
/// the socket holds <see cref="Rundown"/> (the socket itself from creation until its close completes, each send until
/// its completion, each receive event while it runs); file cleanup waits for it at PASSIVE_LEVEL.
/// </summary>
public unsafe struct WskSocketState
{
    /// <summary>Guards Step, Socket and CloseRequested; taken after the core's lock, never before.</summary>
    public EX_SPIN_LOCK Lock;
    public WskStep Step;

    /// <summary>1 once the core closed the transport while a step was in flight: that step's completion closes.</summary>
    public int CloseRequested;
    public int Ipv6Only;

    /// <summary>The IPV6_V6ONLY option's value (1), read by the provider until the IRP completes.</summary>
    public ULONG OptionValue;
    public PWSK_SOCKET Socket;

    /// <summary>The IRP of the socket's own requests (create, option, bind, close): one at a time.</summary>
    public PIRP Irp;

    /// <summary>The address bound (a wildcard of the remote's family when the core gave none).</summary>
    public SockAddrInet Local;
    public EX_RUNDOWN_REF Rundown;

    /// <summary>The SO_WSK_EVENT_CALLBACK input and the NPI id it points to (NPI_WSK_INTERFACE_ID).</summary>
    public WSK_EVENT_CALLBACK_CONTROL Events;
    public GUID NpiId;

    /// <summary>The datagram socket's event table (WskReceiveFromEvent), given to WskSocket.</summary>
    public WSK_CLIENT_DATAGRAM_DISPATCH DatagramEvents;

    /// <summary>
    /// The completion routines (non-generic [UnmanagedCallersOnly] entry points: the kernel's in
    /// <see cref="KernelWsk"/>, the tests' in their simulation), set at device add.
    /// </summary>
    public delegate* unmanaged<PDEVICE_OBJECT, PIRP, void*, NTSTATUS> StepComplete;
    public delegate* unmanaged<PDEVICE_OBJECT, PIRP, void*, NTSTATUS> SendComplete;

    /// <summary>Datagrams dropped on receive: an indication over a chained MDL, or one that could not be mapped.</summary>
    public int RxDropped;
    public int SendsCompleted;
    public int SendsFailed;
}
