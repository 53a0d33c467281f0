using OvpnDco.Driver.Platform;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// A completion the driver made while its request was between <c>Driver.ReadControl</c>/<c>DeviceIoControl</c>
/// returning Pending and reaching its manual queue: kept here, under <see cref="DeviceContext.RequestLock"/>, and
/// applied by the dispatch routine right after it forwards the request. The default queue is sequential, so at most
/// one request per kind is ever in that window.
/// </summary>
public unsafe struct EarlyCompletion
{
    public nint Request;
    public int Status;
    public int Length;
    public int Valid;
}

/// <summary>
/// Per device: the WDF objects, the driver core's state for the open handle (null while closed), the request lock
/// that orders forwarding against completion, and what the data path needs. Allocated from non-paged pool at
/// EvtDriverDeviceAdd; the device object's context slot points at it (runtime-kernel/km, WDF_DECLARE_CONTEXT_TYPE).
/// </summary>
public unsafe struct DeviceContext
{
    public WDFDEVICE Device;

    /// <summary>1 for the \\.\ovpn-dco-ver control device (IOCTLs in control-device mode, one state for its life).</summary>
    public int Control;
    public WDFQUEUE ReadQueue;
    public WDFQUEUE NotifyQueue;
    public WDFQUEUE NewPeerQueue;
    public WDFTIMER Timer;
    public DriverState* State;

    /// <summary>
    /// Guards <see cref="State"/>: every callback that uses it holds rundown protection; file cleanup waits for them
    /// and makes later ones fail before it destroys the state (run down while no handle is open).
    /// </summary>
    public EX_RUNDOWN_REF StateRundown;

    /// <summary>Orders manual-queue forwarding against completions (<see cref="EarlyCompletion"/>); taken after the driver's lock, never before.</summary>
    public EX_SPIN_LOCK RequestLock;
    public EarlyCompletion EarlyRead;
    public EarlyCompletion EarlyNotify;
    public EarlyCompletion EarlyNewPeer;

    /// <summary>Proto.MaxWire bytes each: the data of <see cref="EarlyRead"/>, and of EarlyNotify/EarlyNewPeer.</summary>
    public byte* EarlyReadData;
    public byte* EarlyPendingData;

    public NETADAPTER Adapter;
    public NETPACKETQUEUE TxQueue;
    public NETPACKETQUEUE RxQueue;
    public NET_EXTENSION TxVirtualAddress;
    public NET_EXTENSION RxVirtualAddress;

    /// <summary>The rx queue's packet checksum extension (Enabled 0: the OS wants no receive checksum offload).</summary>
    public NET_EXTENSION RxChecksum;

    /// <summary>Which receive checksums the OS has enabled (<see cref="RxChecksumOffload"/> bits), set by EvtAdapterOffloadSetRxChecksum.</summary>
    public int RxChecksumEnabled;

    /// <summary>A contiguous copy of a tx packet that spans several fragments (Proto.MaxWire bytes).</summary>
    public byte* TxScratch;

    /// <summary>The transmit batch (TxRing.BatchSize entries): in pool memory, not on the kernel stack.</summary>
    public TxPacket* TxBatch;

    /// <summary>Receive buffers (RxRing): free list and the FIFO of delivered packets the rx queue has not taken yet.</summary>
    public EX_SPIN_LOCK RxLock;
    public RxBuffer* RxFree;
    public RxBuffer* RxHead;
    public RxBuffer* RxTail;
    public int RxNotify;

    /// <summary>RxRing.PoolSize bytes: the receive buffers.</summary>
    public byte* RxPool;
    public int RxDropped;

    /// <summary>The WSK client (<see cref="WskClient{TWdk}"/>): registration and captured provider NPI, valid while WskRegistered is 1.</summary>
    public WSK_CLIENT_DISPATCH WskDispatch;
    public WSK_REGISTRATION WskRegistration;
    public WSK_PROVIDER_NPI WskProvider;
    public int WskRegistered;

    /// <summary>Transport buffers (<see cref="TransportBuffers{TWdk}"/>): headers, data block, free list, how many are out.</summary>
    public EX_SPIN_LOCK TxBufferLock;
    public TransportBuffer* TxBuffers;
    public byte* TxBufferData;
    public TransportBuffer* TxBufferFree;
    public int TxBuffersOut;

    /// <summary>The transport socket (<see cref="WskTransport{TWdk, TKm}"/>).</summary>
    public WskSocketState Wsk;
}

/// <summary>A receive buffer: this header, then Proto.MaxWire bytes of packet (what IPlatform.AdapterBuffer hands out).</summary>
public unsafe struct RxBuffer
{
    public RxBuffer* Next;
    public int Length;
    public int Reserved;
}

/// <summary>Pool tags of the Windows platform.</summary>
public static class KernelTags
{
    public const uint Device = 0x7644764F;   // 'OvDv'
    public const uint Lock = 0x6B4C764F;     // 'OvLk'
    public const uint Buffer = 0x6642764F;   // 'OvBf'
}

/// <summary>Which early-completion slot and manual queue a pending kind uses.</summary>
public static unsafe class DeviceQueues
{
    public static WDFQUEUE QueueOf(DeviceContext* ctx, PendingKind kind) => kind == PendingKind.NotifyEvent ? ctx->NotifyQueue : ctx->NewPeerQueue;

    public static EarlyCompletion* EarlyOf(DeviceContext* ctx, PendingKind kind) =>
        kind == PendingKind.NotifyEvent ? &ctx->EarlyNotify : &ctx->EarlyNewPeer;
}

/// <summary>
/// The receive checksum offload the adapter advertises (as upstream): a packet that came through the tunnel was
/// authenticated by its AEAD tag, so the checksums its sender computed arrived intact, and the adapter reports them
/// valid instead of the OS computing them again. Bits of <see cref="DeviceContext.RxChecksumEnabled"/>.
/// </summary>
public static class RxChecksumOffload
{
    public const int IPv4 = 1;
    public const int Tcp = 2;
    public const int Udp = 4;
}
