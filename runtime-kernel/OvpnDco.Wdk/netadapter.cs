using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

// NetAdapterCx 2.2 (netadaptercx.h): the adapter object, its link layer and its datapath queues.

[ExternType("NETADAPTER", Header = "netadaptercx.h", IsHandle = true)] public struct NETADAPTER { public nint Value; }
[ExternType("NETPACKETQUEUE", Header = "netadaptercx.h", IsHandle = true)] public struct NETPACKETQUEUE { public nint Value; }
/// <summary>Opaque; NetAdapterInitAllocate returns a pointer to it.</summary>
[ExternType("NETOFFLOAD", Header = "netadaptercx.h", IsHandle = true)] public struct NETOFFLOAD { public nint Value; }

[ExternType("NETADAPTER_INIT", Header = "netadaptercx.h")] public struct NETADAPTER_INIT { }

/// <summary>Receive checksum offload: the adapter reports checksums it evaluated; the callback hears which ones the OS wants.</summary>
[ExternType("NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES", Header = "netadaptercx.h")]
public unsafe struct NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES
{
    public ULONG Size;
    public delegate* unmanaged[Stdcall]<NETADAPTER, NETOFFLOAD, void> EvtAdapterOffloadSetRxChecksum;
}
[ExternType("NETTXQUEUE_INIT", Header = "netadaptercx.h")] public struct NETTXQUEUE_INIT { }
[ExternType("NETRXQUEUE_INIT", Header = "netadaptercx.h")] public struct NETRXQUEUE_INIT { }

[ExternType("NET_IF_MEDIA_CONNECT_STATE", Header = "netadaptercx.h")]
public enum NET_IF_MEDIA_CONNECT_STATE
{
    MediaConnectStateUnknown = 0,
    MediaConnectStateConnected = 1,
    MediaConnectStateDisconnected = 2,
}

[ExternType("NET_IF_MEDIA_DUPLEX_STATE", Header = "netadaptercx.h")]
public enum NET_IF_MEDIA_DUPLEX_STATE
{
    MediaDuplexStateUnknown = 0,
    MediaDuplexStateHalf = 1,
    MediaDuplexStateFull = 2,
}

[ExternType("NET_ADAPTER_PAUSE_FUNCTION_TYPE", Header = "netadaptercx.h")]
public enum NET_ADAPTER_PAUSE_FUNCTION_TYPE { NetAdapterPauseFunctionTypeUnsupported = 0 }

[ExternType("NET_ADAPTER_AUTO_NEGOTIATION_FLAGS", Header = "netadaptercx.h")]
public enum NET_ADAPTER_AUTO_NEGOTIATION_FLAGS { NetAdapterAutoNegotiationFlagNone = 0 }

[ExternType("NET_ADAPTER_LINK_LAYER_CAPABILITIES", Header = "netadaptercx.h")]
public struct NET_ADAPTER_LINK_LAYER_CAPABILITIES
{
    public ULONG Size;
    public ulong MaxTxLinkSpeed;
    public ulong MaxRxLinkSpeed;
}

[ExternType("NET_ADAPTER_LINK_STATE", Header = "netadaptercx.h")]
public struct NET_ADAPTER_LINK_STATE
{
    public ULONG Size;
    public ulong TxLinkSpeed;
    public ulong RxLinkSpeed;
    public NET_IF_MEDIA_CONNECT_STATE MediaConnectState;
    public NET_IF_MEDIA_DUPLEX_STATE MediaDuplexState;
}

[ExternType("NET_ADAPTER_DATAPATH_CALLBACKS", Header = "netadaptercx.h")]
public unsafe struct NET_ADAPTER_DATAPATH_CALLBACKS
{
    public ULONG Size;
    public delegate* unmanaged[Stdcall]<NETADAPTER, NETTXQUEUE_INIT*, NTSTATUS> EvtAdapterCreateTxQueue;
    public delegate* unmanaged[Stdcall]<NETADAPTER, NETRXQUEUE_INIT*, NTSTATUS> EvtAdapterCreateRxQueue;
}

/// <summary>A tx or rx queue's callbacks: advance (the data path), notification, cancel.</summary>
[ExternType("NET_PACKET_QUEUE_CONFIG", Header = "netadaptercx.h")]
public unsafe struct NET_PACKET_QUEUE_CONFIG
{
    public ULONG Size;
    public delegate* unmanaged[Stdcall]<NETPACKETQUEUE, void> EvtStart;
    public delegate* unmanaged[Stdcall]<NETPACKETQUEUE, void> EvtStop;
    public delegate* unmanaged[Stdcall]<NETPACKETQUEUE, void> EvtAdvance;
    public delegate* unmanaged[Stdcall]<NETPACKETQUEUE, byte, void> EvtSetNotificationEnabled;
    public delegate* unmanaged[Stdcall]<NETPACKETQUEUE, void> EvtCancel;
}

public unsafe partial struct KernelWdk
{
    [Import("NetDeviceInitConfig", Header = "netadaptercx.h")] public static extern NTSTATUS NetDeviceInitConfig(PWDFDEVICE_INIT deviceInit);
    [Import("NetAdapterInitAllocate", Header = "netadaptercx.h")] public static extern NETADAPTER_INIT* NetAdapterInitAllocate(WDFDEVICE device);
    [Import("NetAdapterInitFree", Header = "netadaptercx.h")] public static extern void NetAdapterInitFree(NETADAPTER_INIT* adapterInit);
    [Import("NET_ADAPTER_DATAPATH_CALLBACKS_INIT", Header = "netadaptercx.h")]
    public static extern void NET_ADAPTER_DATAPATH_CALLBACKS_INIT(NET_ADAPTER_DATAPATH_CALLBACKS* callbacks,
        delegate* unmanaged[Stdcall]<NETADAPTER, NETTXQUEUE_INIT*, NTSTATUS> createTx,
        delegate* unmanaged[Stdcall]<NETADAPTER, NETRXQUEUE_INIT*, NTSTATUS> createRx);
    [Import("NetAdapterInitSetDatapathCallbacks", Header = "netadaptercx.h")]
    public static extern void NetAdapterInitSetDatapathCallbacks(NETADAPTER_INIT* adapterInit, NET_ADAPTER_DATAPATH_CALLBACKS* callbacks);
    [Import("NetAdapterCreate", Header = "netadaptercx.h")]
    public static extern NTSTATUS NetAdapterCreate(NETADAPTER_INIT* adapterInit, WDF_OBJECT_ATTRIBUTES* attributes, NETADAPTER* adapter);
    [Import("NetAdapterStart", Header = "netadaptercx.h")] public static extern NTSTATUS NetAdapterStart(NETADAPTER adapter);
    [Import("NetAdapterStop", Header = "netadaptercx.h")] public static extern void NetAdapterStop(NETADAPTER adapter);
    [Import("NET_ADAPTER_LINK_LAYER_CAPABILITIES_INIT", Header = "netadaptercx.h")]
    public static extern void NET_ADAPTER_LINK_LAYER_CAPABILITIES_INIT(NET_ADAPTER_LINK_LAYER_CAPABILITIES* capabilities, ulong maxTx, ulong maxRx);
    [Import("NetAdapterSetLinkLayerCapabilities", Header = "netadaptercx.h")]
    public static extern void NetAdapterSetLinkLayerCapabilities(NETADAPTER adapter, NET_ADAPTER_LINK_LAYER_CAPABILITIES* capabilities);
    [Import("NetAdapterSetLinkLayerMtuSize", Header = "netadaptercx.h")] public static extern void NetAdapterSetLinkLayerMtuSize(NETADAPTER adapter, ULONG mtu);
    [Import("NET_ADAPTER_LINK_STATE_INIT", Header = "netadaptercx.h")]
    public static extern void NET_ADAPTER_LINK_STATE_INIT(NET_ADAPTER_LINK_STATE* state, ulong linkSpeed, NET_IF_MEDIA_CONNECT_STATE connect,
        NET_IF_MEDIA_DUPLEX_STATE duplex, NET_ADAPTER_PAUSE_FUNCTION_TYPE pause, NET_ADAPTER_AUTO_NEGOTIATION_FLAGS autoNegotiation);
    [Import("NetAdapterSetLinkState", Header = "netadaptercx.h")] public static extern void NetAdapterSetLinkState(NETADAPTER adapter, NET_ADAPTER_LINK_STATE* state);
    [Import("NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES_INIT", Header = "netadaptercx.h")]
    public static extern void NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES_INIT(NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES* capabilities,
        delegate* unmanaged[Stdcall]<NETADAPTER, NETOFFLOAD, void> evtAdapterOffloadSetRxChecksum);
    [Import("NetAdapterOffloadSetRxChecksumCapabilities", Header = "netadaptercx.h")]
    public static extern void NetAdapterOffloadSetRxChecksumCapabilities(NETADAPTER adapter, NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES* capabilities);
    [Import("NetOffloadIsRxChecksumIPv4Enabled", Header = "netadaptercx.h")] public static extern bool NetOffloadIsRxChecksumIPv4Enabled(NETOFFLOAD offload);
    [Import("NetOffloadIsRxChecksumTcpEnabled", Header = "netadaptercx.h")] public static extern bool NetOffloadIsRxChecksumTcpEnabled(NETOFFLOAD offload);
    [Import("NetOffloadIsRxChecksumUdpEnabled", Header = "netadaptercx.h")] public static extern bool NetOffloadIsRxChecksumUdpEnabled(NETOFFLOAD offload);
}

/// <summary>The adapter's link state, which the platform changes when the driver says so (START_VPN, DEL_PEER).</summary>
public unsafe interface INetAdapter
{
    static abstract void NET_ADAPTER_LINK_STATE_INIT(NET_ADAPTER_LINK_STATE* state, ulong linkSpeed, NET_IF_MEDIA_CONNECT_STATE connect,
        NET_IF_MEDIA_DUPLEX_STATE duplex, NET_ADAPTER_PAUSE_FUNCTION_TYPE pause, NET_ADAPTER_AUTO_NEGOTIATION_FLAGS autoNegotiation);
    static abstract void NetAdapterSetLinkState(NETADAPTER adapter, NET_ADAPTER_LINK_STATE* state);
}

public unsafe partial struct KernelWdk : INetAdapter
{
}
