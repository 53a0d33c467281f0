using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

// The packet queues of NetAdapterCx 2.2 (nettxqueue.h, netrxqueue.h, netpacketqueue.h) and the rings they share with
// the OS (net/ring.h, net/ringcollection.h, net/packet.h, net/fragment.h, net/virtualaddress.h).

/// <summary>The queue's ring collection; the headers hand it out const.</summary>
[ExternType("NET_RING_COLLECTION const *", Header = "netadaptercx.h", IsHandle = true)] public struct PCNET_RING_COLLECTION { public nint Value; }

/// <summary>A ring of packets or fragments: the OS owns [EndIndex, BeginIndex), the driver [BeginIndex, EndIndex).</summary>
[ExternType("NET_RING", Header = "netadaptercx.h")]
public struct NET_RING
{
    public ushort ElementStride;
    public uint NumberOfElements;
    public uint ElementIndexMask;
    public uint EndIndex;
    public uint BeginIndex;
    public uint NextIndex;
}

/// <summary>One packet: FragmentCount fragments from FragmentIndex on in the fragment ring (wrapping).</summary>
[ExternType("NET_PACKET", Header = "netadaptercx.h")]
public struct NET_PACKET
{
    public uint FragmentIndex;
    public ushort FragmentCount;
    /// <summary>A one-bit field: the OS asks the driver to skip the packet.</summary>
    public byte Ignore;
    public NET_PACKET_LAYOUT Layout;
}

/// <summary>
/// What a packet carries, as bit fields (4 bits each): C assigns them by name, so the bindings give their names with a
/// byte each. Only the layer-4 type is set on receive (as upstream does), for the checksum offload.
/// </summary>
[ExternType("NET_PACKET_LAYOUT", Header = "netadaptercx.h")]
public struct NET_PACKET_LAYOUT
{
    public byte Layer4Type;
}

[ExternType("NET_PACKET_LAYER4_TYPE", Header = "netadaptercx.h")]
public enum NET_PACKET_LAYER4_TYPE
{
    NetPacketLayer4TypeUnspecified = 0,
    NetPacketLayer4TypeTcp = 1,
    NetPacketLayer4TypeUdp = 2,
    NetPacketLayer4TypeIPFragment = 3,
    NetPacketLayer4TypeIPNotFragment = 4,
}

/// <summary>The packet checksum extension's element (2-bit fields, assigned by name): one NET_PACKET_RX_CHECKSUM_EVALUATION per layer.</summary>
[ExternType("NET_PACKET_CHECKSUM", Header = "net/checksum.h")]
public struct NET_PACKET_CHECKSUM
{
    public byte Layer2;
    public byte Layer3;
    public byte Layer4;
}

[ExternType("NET_PACKET_RX_CHECKSUM_EVALUATION", Header = "net/checksum.h")]
public enum NET_PACKET_RX_CHECKSUM_EVALUATION
{
    NetPacketRxChecksumEvaluationNotChecked = 0,
    NetPacketRxChecksumEvaluationValid = 1,
    NetPacketRxChecksumEvaluationInvalid = 2,
}

/// <summary>One fragment; ValidLength/Capacity/Offset are bit fields (26/26/10 bits) of one UINT64.</summary>
[ExternType("NET_FRAGMENT", Header = "netadaptercx.h")]
public struct NET_FRAGMENT
{
    public ulong ValidLength;
    public ulong Capacity;
    public ulong Offset;
}

/// <summary>A queue's view of an extension (the first fields are reserved): <see cref="Enabled"/> is 0 when the OS did not grant it.</summary>
[ExternType("NET_EXTENSION", Header = "netadaptercx.h")]
public struct NET_EXTENSION
{
    /// <summary>A member of the header's anonymous union (BOOLEAN).</summary>
    public byte Enabled;
}

[ExternType("NET_EXTENSION_TYPE", Header = "netadaptercx.h")]
public enum NET_EXTENSION_TYPE { NetExtensionTypePacket = 1, NetExtensionTypeFragment = 2 }

[ExternType("NET_EXTENSION_QUERY", Header = "netadaptercx.h")]
public unsafe struct NET_EXTENSION_QUERY
{
    public ULONG Size;
    public char* Name;
    public ULONG Version;
    public NET_EXTENSION_TYPE Type;
}

[ExternType("NET_FRAGMENT_VIRTUAL_ADDRESS", Header = "net/virtualaddress.h")]
public unsafe struct NET_FRAGMENT_VIRTUAL_ADDRESS
{
    public void* VirtualAddress;
}

/// <summary>What the tx/rx ring walk uses; the ring helpers are inline functions of net/ring.h.</summary>
public unsafe interface INetRing
{
    static abstract PCNET_RING_COLLECTION NetTxQueueGetRingCollection(NETPACKETQUEUE queue);
    static abstract PCNET_RING_COLLECTION NetRxQueueGetRingCollection(NETPACKETQUEUE queue);
    static abstract NET_RING* NetRingCollectionGetPacketRing(PCNET_RING_COLLECTION rings);
    static abstract NET_RING* NetRingCollectionGetFragmentRing(PCNET_RING_COLLECTION rings);
    static abstract NET_PACKET* NetRingGetPacketAtIndex(NET_RING* ring, uint index);
    static abstract NET_FRAGMENT* NetRingGetFragmentAtIndex(NET_RING* ring, uint index);
    static abstract uint NetRingIncrementIndex(NET_RING* ring, uint index);
    static abstract NET_FRAGMENT_VIRTUAL_ADDRESS* NetExtensionGetFragmentVirtualAddress(NET_EXTENSION* extension, uint index);
    static abstract void NetRxQueueNotifyMoreReceivedPacketsAvailable(NETPACKETQUEUE queue);
    /// <summary>Inline (net/checksum.h): the packet's element of an enabled checksum extension.</summary>
    static abstract NET_PACKET_CHECKSUM* NetExtensionGetPacketChecksum(NET_EXTENSION* extension, uint index);
}

public unsafe partial struct KernelWdk : INetRing
{
    [Import("NET_PACKET_QUEUE_CONFIG_INIT", Header = "netadaptercx.h")]
    public static extern void NET_PACKET_QUEUE_CONFIG_INIT(NET_PACKET_QUEUE_CONFIG* config, delegate* unmanaged[Stdcall]<NETPACKETQUEUE, void> advance,
        delegate* unmanaged[Stdcall]<NETPACKETQUEUE, byte, void> setNotificationEnabled, delegate* unmanaged[Stdcall]<NETPACKETQUEUE, void> cancel);
    [Import("NetTxQueueCreate", Header = "netadaptercx.h")]
    public static extern NTSTATUS NetTxQueueCreate(NETTXQUEUE_INIT* init, WDF_OBJECT_ATTRIBUTES* attributes, NET_PACKET_QUEUE_CONFIG* config, NETPACKETQUEUE* queue);
    [Import("NetRxQueueCreate", Header = "netadaptercx.h")]
    public static extern NTSTATUS NetRxQueueCreate(NETRXQUEUE_INIT* init, WDF_OBJECT_ATTRIBUTES* attributes, NET_PACKET_QUEUE_CONFIG* config, NETPACKETQUEUE* queue);
    [Import("NET_EXTENSION_QUERY_INIT", Header = "netadaptercx.h")]
    public static extern void NET_EXTENSION_QUERY_INIT(NET_EXTENSION_QUERY* query, char* name, ULONG version, NET_EXTENSION_TYPE type);
    [Import("NetTxQueueGetExtension", Header = "netadaptercx.h")]
    public static extern void NetTxQueueGetExtension(NETPACKETQUEUE queue, NET_EXTENSION_QUERY* query, NET_EXTENSION* extension);
    [Import("NetRxQueueGetExtension", Header = "netadaptercx.h")]
    public static extern void NetRxQueueGetExtension(NETPACKETQUEUE queue, NET_EXTENSION_QUERY* query, NET_EXTENSION* extension);
    [Import("NetTxQueueGetRingCollection", Header = "netadaptercx.h")] public static extern PCNET_RING_COLLECTION NetTxQueueGetRingCollection(NETPACKETQUEUE queue);
    [Import("NetRxQueueGetRingCollection", Header = "netadaptercx.h")] public static extern PCNET_RING_COLLECTION NetRxQueueGetRingCollection(NETPACKETQUEUE queue);
    [Import("NetRingCollectionGetPacketRing", Header = "netadaptercx.h")] public static extern NET_RING* NetRingCollectionGetPacketRing(PCNET_RING_COLLECTION rings);
    [Import("NetRingCollectionGetFragmentRing", Header = "netadaptercx.h")] public static extern NET_RING* NetRingCollectionGetFragmentRing(PCNET_RING_COLLECTION rings);
    [Import("NetRingGetPacketAtIndex", Header = "netadaptercx.h")] public static extern NET_PACKET* NetRingGetPacketAtIndex(NET_RING* ring, uint index);
    [Import("NetRingGetFragmentAtIndex", Header = "netadaptercx.h")] public static extern NET_FRAGMENT* NetRingGetFragmentAtIndex(NET_RING* ring, uint index);
    [Import("NetRingIncrementIndex", Header = "netadaptercx.h")] public static extern uint NetRingIncrementIndex(NET_RING* ring, uint index);
    [Import("NetExtensionGetFragmentVirtualAddress", Header = "net/virtualaddress.h")]
    public static extern NET_FRAGMENT_VIRTUAL_ADDRESS* NetExtensionGetFragmentVirtualAddress(NET_EXTENSION* extension, uint index);
    [Import("NetRxQueueNotifyMoreReceivedPacketsAvailable", Header = "netadaptercx.h")]
    public static extern void NetRxQueueNotifyMoreReceivedPacketsAvailable(NETPACKETQUEUE queue);
    [Import("NetExtensionGetPacketChecksum", Header = "net/checksum.h")]
    public static extern NET_PACKET_CHECKSUM* NetExtensionGetPacketChecksum(NET_EXTENSION* extension, uint index);
    [Import("NetTxQueueNotifyMoreCompletedPacketsAvailable", Header = "netadaptercx.h")]
    public static extern void NetTxQueueNotifyMoreCompletedPacketsAvailable(NETPACKETQUEUE queue);
}
