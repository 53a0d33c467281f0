/*
 * sim_wdk.h - a small simulation of the WDK for the transpiled Windows driver (the C of out/kernel, which ships),
 * built natively on Linux and run under ASan + UBSan by tests/native/kernel_sim/kernel_sim_test.c
 *
 * Only what the driver uses, with the WDK's names: the types and fields it reads and writes, the functions, macros
 * and inline helpers it calls. ntddk.h, wdf.h, netadaptercx.h, wsk.h, bcrypt.h and the rest in this folder include this
 * file. It is not the WDK: the real headers check the bindings (tests/OvpnDco.Kernel.Tests/BindingSignatureTests);
 * this one lets the logic of the generated C run against a simulated Windows (sim_wdk.c).
 */
#ifndef SIM_WDK_H
#define SIM_WDK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- ntdef / sal: annotations vanish, calling conventions are the platform's ---- */
#define NTAPI
#define _IRQL_requires_(x)
#define _IRQL_requires_max_(x)
#define _IRQL_requires_min_(x)
#define _IRQL_requires_same_
#define _Must_inspect_result_
#define _Requires_lock_held_(x)
#define _Requires_lock_not_held_(x)
#define _Acquires_lock_(x)
#define _Releases_lock_(x)
#define _IRQL_raises_(x)
#define _IRQL_restores_
#define _IRQL_saves_
#define _In_reads_bytes_(x)
#define _Out_writes_bytes_(x)
#define _Inout_updates_bytes_(x)
#define _In_
#define _Out_
#define _Inout_
#define _Function_class_(x)
#define __drv_aliasesMem
#define PASSIVE_LEVEL 0
#define DISPATCH_LEVEL 2

typedef int32_t NTSTATUS;
typedef uint32_t ULONG;
typedef uint16_t USHORT;
typedef uint8_t UCHAR;
typedef uint8_t BOOLEAN;
typedef uint16_t WCHAR;
typedef const WCHAR *PCWSTR;
typedef uint64_t ULONG64;
typedef int64_t LONG64;
typedef uintptr_t ULONG_PTR;
typedef ULONG_PTR SIZE_T;
typedef void *PVOID;
typedef uint8_t KIRQL;

#define NT_SUCCESS(s) ((NTSTATUS)(s) >= 0)
#define STATUS_SUCCESS ((NTSTATUS)0x00000000)
#define STATUS_PENDING ((NTSTATUS)0x00000103)
#define STATUS_MORE_PROCESSING_REQUIRED ((NTSTATUS)0xC0000016)
#define STATUS_UNSUCCESSFUL ((NTSTATUS)0xC0000001)
#define STATUS_NOT_IMPLEMENTED ((NTSTATUS)0xC0000002)
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000D)
#define STATUS_NO_MORE_ENTRIES ((NTSTATUS)0x8000001A)
#define STATUS_NOT_FOUND ((NTSTATUS)0xC0000225)
#define STATUS_BUFFER_TOO_SMALL ((NTSTATUS)0xC0000023)
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)0xC000009A)
#define STATUS_CANCELLED ((NTSTATUS)0xC0000120)
#define STATUS_AUTH_TAG_MISMATCH ((NTSTATUS)0xC000A002)
#define STATUS_CONNECTION_REFUSED ((NTSTATUS)0xC0000236)

typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;

typedef struct _UNICODE_STRING {
    USHORT Length;
    USHORT MaximumLength;
    WCHAR *Buffer;
} UNICODE_STRING;

void RtlInitUnicodeString(UNICODE_STRING *destination, const WCHAR *source);
void KeBugCheckEx(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4);

/* ---- wdm: pool, spin locks, time, rundown, DPCs, IRPs, MDLs ---- */
typedef enum { POOL_FLAG_NON_PAGED = 0x40 } POOL_FLAGS_ENUM;
typedef uint64_t POOL_FLAGS;
void *ExAllocatePool2(POOL_FLAGS flags, SIZE_T size, ULONG tag);
void ExFreePoolWithTag(void *p, ULONG tag);

typedef volatile int32_t EX_SPIN_LOCK;
KIRQL ExAcquireSpinLockExclusive(EX_SPIN_LOCK *l);
void ExReleaseSpinLockExclusive(EX_SPIN_LOCK *l, KIRQL old);
KIRQL ExAcquireSpinLockShared(EX_SPIN_LOCK *l);
void ExReleaseSpinLockShared(EX_SPIN_LOCK *l, KIRQL old);
uint64_t KeQueryInterruptTime(void);
ULONG KeGetCurrentProcessorIndex(void);
KIRQL KeGetCurrentIrql(void);

typedef struct _EX_RUNDOWN_REF {
    ULONG_PTR Count;
} EX_RUNDOWN_REF;
void ExInitializeRundownProtection(EX_RUNDOWN_REF *r);
void ExReInitializeRundownProtection(EX_RUNDOWN_REF *r);
BOOLEAN ExAcquireRundownProtection(EX_RUNDOWN_REF *r);
void ExReleaseRundownProtection(EX_RUNDOWN_REF *r);
void ExWaitForRundownProtectionRelease(EX_RUNDOWN_REF *r);

struct _KDPC;
typedef void KDEFERRED_ROUTINE(struct _KDPC *dpc, void *context, void *a1, void *a2);
typedef struct _KDPC {
    KDEFERRED_ROUTINE *Routine;
    void *Context;
    struct _KDPC *NextQueued;
    int Queued;
} KDPC;
void KeInitializeDpc(KDPC *dpc, KDEFERRED_ROUTINE *routine, void *context);
BOOLEAN KeInsertQueueDpc(KDPC *dpc, void *a1, void *a2);
void KeFlushQueuedDpcs(void);

typedef struct _DEVICE_OBJECT *PDEVICE_OBJECT;
struct _IRP;
typedef struct _DRIVER_OBJECT *PDRIVER_OBJECT;
typedef struct _IO_STATUS_BLOCK {
    NTSTATUS Status;
    ULONG_PTR Information;
} IO_STATUS_BLOCK;
typedef NTSTATUS IO_COMPLETION_ROUTINE(PDEVICE_OBJECT device, struct _IRP *irp, void *context);
typedef struct _IRP {
    IO_STATUS_BLOCK IoStatus;
    IO_COMPLETION_ROUTINE *CompletionRoutine;
    void *CompletionContext;
} IRP, *PIRP;
PIRP IoAllocateIrp(int8_t stackSize, BOOLEAN chargeQuota);
void IoFreeIrp(PIRP irp);
void IoReuseIrp(PIRP irp, NTSTATUS status);
void IoSetCompletionRoutine(PIRP irp, IO_COMPLETION_ROUTINE *routine, void *context, BOOLEAN onSuccess, BOOLEAN onError, BOOLEAN onCancel);

typedef struct _MDL {
    struct _MDL *Next;
    ULONG ByteCount;
    void *MappedSystemVa;
} MDL, *PMDL;
PMDL IoAllocateMdl(void *va, ULONG length, BOOLEAN secondary, BOOLEAN chargeQuota, PIRP irp);
void IoFreeMdl(PMDL mdl);
void MmBuildMdlForNonPagedPool(PMDL mdl);
void *MmGetSystemAddressForMdlSafe(PMDL mdl, ULONG priority);
#define NormalPagePriority 16
#define MdlMappingNoExecute 0x40000000

/* ---- bcrypt: the AEAD and HKDF pseudo-handles, on OpenSSL ---- */
typedef void *BCRYPT_ALG_HANDLE;
typedef void *BCRYPT_KEY_HANDLE;
typedef struct _BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO {
    ULONG cbSize;
    ULONG dwInfoVersion;
    UCHAR *pbNonce;
    ULONG cbNonce;
    UCHAR *pbAuthData;
    ULONG cbAuthData;
    UCHAR *pbTag;
    ULONG cbTag;
    UCHAR *pbMacContext;
    ULONG cbMacContext;
    ULONG cbAAD;
    ULONG64 cbData;
    ULONG dwFlags;
} BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO;
typedef struct _BCryptBuffer {
    ULONG cbBuffer;
    ULONG BufferType;
    void *pvBuffer;
} BCryptBuffer;
typedef struct _BCryptBufferDesc {
    ULONG ulVersion;
    ULONG cBuffers;
    BCryptBuffer *pBuffers;
} BCryptBufferDesc;
NTSTATUS BCryptGenerateSymmetricKey(BCRYPT_ALG_HANDLE alg, BCRYPT_KEY_HANDLE *key, UCHAR *object, ULONG objectLength,
                                    UCHAR *secret, ULONG secretLength, ULONG flags);
NTSTATUS BCryptDestroyKey(BCRYPT_KEY_HANDLE key);
NTSTATUS BCryptEncrypt(BCRYPT_KEY_HANDLE key, UCHAR *input, ULONG inputLength, void *padding, UCHAR *iv, ULONG ivLength,
                       UCHAR *output, ULONG outputLength, ULONG *result, ULONG flags);
NTSTATUS BCryptDecrypt(BCRYPT_KEY_HANDLE key, UCHAR *input, ULONG inputLength, void *padding, UCHAR *iv, ULONG ivLength,
                       UCHAR *output, ULONG outputLength, ULONG *result, ULONG flags);
NTSTATUS BCryptSetProperty(void *object, PCWSTR property, UCHAR *input, ULONG inputLength, ULONG flags);
NTSTATUS BCryptKeyDerivation(BCRYPT_KEY_HANDLE key, BCryptBufferDesc *parameters, UCHAR *output, ULONG outputLength,
                             ULONG *result, ULONG flags);

/* ---- wdf ---- */
typedef struct sim_object *WDFOBJECT;
typedef struct sim_object *WDFDRIVER;
typedef struct sim_object *WDFDEVICE;
typedef struct sim_object *WDFQUEUE;
typedef struct sim_object *WDFREQUEST;
typedef struct sim_object *WDFTIMER;
typedef struct sim_object *WDFFILEOBJECT;
typedef struct sim_object *NETADAPTER;
typedef struct sim_object *NETPACKETQUEUE;
typedef struct sim_object *NETOFFLOAD;
typedef struct sim_device_init *PWDFDEVICE_INIT;
typedef struct sim_device_init NETADAPTER_INIT;
typedef struct sim_device_init NETTXQUEUE_INIT;
typedef struct sim_device_init NETRXQUEUE_INIT;

typedef void EVT_WDF_OBJECT_CONTEXT_CLEANUP(WDFOBJECT object);
typedef struct _WDF_OBJECT_ATTRIBUTES {
    ULONG Size;
    EVT_WDF_OBJECT_CONTEXT_CLEANUP *EvtCleanupCallback;
    WDFOBJECT ParentObject;
    size_t ContextSize;
} WDF_OBJECT_ATTRIBUTES;

typedef NTSTATUS EVT_WDF_DRIVER_DEVICE_ADD(WDFDRIVER driver, PWDFDEVICE_INIT init);
typedef void EVT_WDF_DRIVER_UNLOAD(WDFDRIVER driver);
typedef struct _WDF_DRIVER_CONFIG {
    ULONG Size;
    EVT_WDF_DRIVER_DEVICE_ADD *EvtDriverDeviceAdd;
    EVT_WDF_DRIVER_UNLOAD *EvtDriverUnload;
    ULONG DriverInitFlags;
    ULONG DriverPoolTag;
} WDF_DRIVER_CONFIG;
void WDF_DRIVER_CONFIG_INIT(WDF_DRIVER_CONFIG *config, EVT_WDF_DRIVER_DEVICE_ADD *add);
NTSTATUS WdfDriverCreate(PDRIVER_OBJECT driverObject, UNICODE_STRING *registryPath, WDF_OBJECT_ATTRIBUTES *attributes,
                         WDF_DRIVER_CONFIG *config, WDFDRIVER *driver);

typedef enum { WdfDeviceIoBuffered = 2 } WDF_DEVICE_IO_TYPE;
typedef void EVT_WDF_DEVICE_FILE_CREATE(WDFDEVICE device, WDFREQUEST request, WDFFILEOBJECT fileObject);
typedef void EVT_WDF_FILE_CLOSE(WDFFILEOBJECT fileObject);
typedef void EVT_WDF_FILE_CLEANUP(WDFFILEOBJECT fileObject);
typedef struct _WDF_FILEOBJECT_CONFIG {
    ULONG Size;
    EVT_WDF_DEVICE_FILE_CREATE *EvtDeviceFileCreate;
    EVT_WDF_FILE_CLOSE *EvtFileClose;
    EVT_WDF_FILE_CLEANUP *EvtFileCleanup;
} WDF_FILEOBJECT_CONFIG;
void WDF_FILEOBJECT_CONFIG_INIT(WDF_FILEOBJECT_CONFIG *config, EVT_WDF_DEVICE_FILE_CREATE *create, EVT_WDF_FILE_CLOSE *close,
                                EVT_WDF_FILE_CLEANUP *cleanup);
void WdfDeviceInitSetExclusive(PWDFDEVICE_INIT init, BOOLEAN exclusive);
void WdfDeviceInitSetIoType(PWDFDEVICE_INIT init, WDF_DEVICE_IO_TYPE type);
void WdfDeviceInitSetFileObjectConfig(PWDFDEVICE_INIT init, WDF_FILEOBJECT_CONFIG *config, WDF_OBJECT_ATTRIBUTES *attributes);
NTSTATUS WdfDeviceInitAssignName(PWDFDEVICE_INIT init, UNICODE_STRING *name);
void WdfDeviceInitFree(PWDFDEVICE_INIT init);
NTSTATUS WdfDeviceCreate(PWDFDEVICE_INIT *init, WDF_OBJECT_ATTRIBUTES *attributes, WDFDEVICE *device);
NTSTATUS WdfDeviceCreateSymbolicLink(WDFDEVICE device, UNICODE_STRING *name);
NTSTATUS WdfDeviceCreateDeviceInterface(WDFDEVICE device, const GUID *guid, UNICODE_STRING *reference);
PWDFDEVICE_INIT WdfControlDeviceInitAllocate(WDFDRIVER driver, UNICODE_STRING *sddl);
void WdfControlFinishInitializing(WDFDEVICE device);
WDFDEVICE WdfFileObjectGetDevice(WDFFILEOBJECT file);
void WdfObjectDelete(WDFOBJECT object);
void WdfObjectDereference(WDFOBJECT object);

typedef enum { WdfIoQueueDispatchSequential = 1, WdfIoQueueDispatchParallel = 2, WdfIoQueueDispatchManual = 3 } WDF_IO_QUEUE_DISPATCH_TYPE;
typedef void EVT_WDF_IO_QUEUE_IO_READ(WDFQUEUE queue, WDFREQUEST request, size_t length);
typedef void EVT_WDF_IO_QUEUE_IO_WRITE(WDFQUEUE queue, WDFREQUEST request, size_t length);
typedef void EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL(WDFQUEUE queue, WDFREQUEST request, size_t outputLength, size_t inputLength, ULONG code);
typedef void EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE(WDFQUEUE queue, WDFREQUEST request);
typedef struct _WDF_IO_QUEUE_CONFIG {
    ULONG Size;
    WDF_IO_QUEUE_DISPATCH_TYPE DispatchType;
    BOOLEAN DefaultQueue;
    EVT_WDF_IO_QUEUE_IO_READ *EvtIoRead;
    EVT_WDF_IO_QUEUE_IO_WRITE *EvtIoWrite;
    EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL *EvtIoDeviceControl;
    EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE *EvtIoCanceledOnQueue;
} WDF_IO_QUEUE_CONFIG;
void WDF_IO_QUEUE_CONFIG_INIT(WDF_IO_QUEUE_CONFIG *config, WDF_IO_QUEUE_DISPATCH_TYPE type);
void WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(WDF_IO_QUEUE_CONFIG *config, WDF_IO_QUEUE_DISPATCH_TYPE type);
NTSTATUS WdfIoQueueCreate(WDFDEVICE device, WDF_IO_QUEUE_CONFIG *config, WDF_OBJECT_ATTRIBUTES *attributes, WDFQUEUE *queue);
WDFDEVICE WdfIoQueueGetDevice(WDFQUEUE queue);
NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE queue, WDFREQUEST *request);
NTSTATUS WdfIoQueueRetrieveRequestByFileObject(WDFQUEUE queue, WDFFILEOBJECT file, WDFREQUEST *request);
NTSTATUS WdfIoQueueFindRequest(WDFQUEUE queue, WDFREQUEST found, WDFFILEOBJECT file, void *parameters, WDFREQUEST *out);
NTSTATUS WdfIoQueueRetrieveFoundRequest(WDFQUEUE queue, WDFREQUEST found, WDFREQUEST *out);
NTSTATUS WdfRequestForwardToIoQueue(WDFREQUEST request, WDFQUEUE queue);
void WdfRequestCompleteWithInformation(WDFREQUEST request, NTSTATUS status, ULONG_PTR information);
NTSTATUS WdfRequestRetrieveInputBuffer(WDFREQUEST request, size_t minimum, void **buffer, size_t *length);
NTSTATUS WdfRequestRetrieveOutputBuffer(WDFREQUEST request, size_t minimum, void **buffer, size_t *length);

typedef void EVT_WDF_TIMER(WDFTIMER timer);
typedef struct _WDF_TIMER_CONFIG {
    ULONG Size;
    EVT_WDF_TIMER *EvtTimerFunc;
    ULONG Period;
    BOOLEAN AutomaticSerialization;
} WDF_TIMER_CONFIG;
void WDF_TIMER_CONFIG_INIT(WDF_TIMER_CONFIG *config, EVT_WDF_TIMER *callback);
NTSTATUS WdfTimerCreate(WDF_TIMER_CONFIG *config, WDF_OBJECT_ATTRIBUTES *attributes, WDFTIMER *timer);
BOOLEAN WdfTimerStart(WDFTIMER timer, int64_t dueTime);
BOOLEAN WdfTimerStop(WDFTIMER timer, BOOLEAN wait);
#define WDF_REL_TIMEOUT_IN_MS(ms) (-(int64_t)(ms) * 10000)

/* ---- NetAdapterCx ---- */
typedef enum { MediaConnectStateUnknown = 0, MediaConnectStateConnected = 1, MediaConnectStateDisconnected = 2 } NET_IF_MEDIA_CONNECT_STATE;
typedef enum { MediaDuplexStateUnknown = 0, MediaDuplexStateHalf = 1, MediaDuplexStateFull = 2 } NET_IF_MEDIA_DUPLEX_STATE;
typedef enum { NetAdapterPauseFunctionTypeUnsupported = 1 } NET_ADAPTER_PAUSE_FUNCTION_TYPE;
typedef enum { NetAdapterAutoNegotiationFlagNone = 0 } NET_ADAPTER_AUTO_NEGOTIATION_FLAGS;
typedef struct _NET_ADAPTER_LINK_STATE {
    ULONG Size;
    ULONG64 TxLinkSpeed;
    ULONG64 RxLinkSpeed;
    NET_IF_MEDIA_CONNECT_STATE MediaConnectState;
    NET_IF_MEDIA_DUPLEX_STATE MediaDuplexState;
} NET_ADAPTER_LINK_STATE;
typedef struct _NET_ADAPTER_LINK_LAYER_CAPABILITIES {
    ULONG Size;
    ULONG64 MaxTxLinkSpeed;
    ULONG64 MaxRxLinkSpeed;
} NET_ADAPTER_LINK_LAYER_CAPABILITIES;
typedef NTSTATUS EVT_NET_ADAPTER_CREATE_TXQUEUE(NETADAPTER adapter, NETTXQUEUE_INIT *init);
typedef NTSTATUS EVT_NET_ADAPTER_CREATE_RXQUEUE(NETADAPTER adapter, NETRXQUEUE_INIT *init);
typedef struct _NET_ADAPTER_DATAPATH_CALLBACKS {
    ULONG Size;
    EVT_NET_ADAPTER_CREATE_TXQUEUE *EvtAdapterCreateTxQueue;
    EVT_NET_ADAPTER_CREATE_RXQUEUE *EvtAdapterCreateRxQueue;
} NET_ADAPTER_DATAPATH_CALLBACKS;
typedef void EVT_NET_ADAPTER_OFFLOAD_SET_RX_CHECKSUM(NETADAPTER adapter, NETOFFLOAD offload);
typedef struct _NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES {
    ULONG Size;
    EVT_NET_ADAPTER_OFFLOAD_SET_RX_CHECKSUM *EvtAdapterOffloadSetRxChecksum;
} NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES;
typedef void EVT_PACKET_QUEUE_ADVANCE(NETPACKETQUEUE queue);
typedef void EVT_PACKET_QUEUE_SET_NOTIFICATION_ENABLED(NETPACKETQUEUE queue, BOOLEAN enabled);
typedef void EVT_PACKET_QUEUE_CANCEL(NETPACKETQUEUE queue);
typedef struct _NET_PACKET_QUEUE_CONFIG {
    ULONG Size;
    EVT_PACKET_QUEUE_ADVANCE *EvtAdvance;
    EVT_PACKET_QUEUE_SET_NOTIFICATION_ENABLED *EvtSetNotificationEnabled;
    EVT_PACKET_QUEUE_CANCEL *EvtCancel;
} NET_PACKET_QUEUE_CONFIG;

NTSTATUS NetDeviceInitConfig(PWDFDEVICE_INIT init);
NETADAPTER_INIT *NetAdapterInitAllocate(WDFDEVICE device);
void NetAdapterInitFree(NETADAPTER_INIT *init);
void NET_ADAPTER_DATAPATH_CALLBACKS_INIT(NET_ADAPTER_DATAPATH_CALLBACKS *callbacks, EVT_NET_ADAPTER_CREATE_TXQUEUE *tx,
                                         EVT_NET_ADAPTER_CREATE_RXQUEUE *rx);
void NetAdapterInitSetDatapathCallbacks(NETADAPTER_INIT *init, NET_ADAPTER_DATAPATH_CALLBACKS *callbacks);
NTSTATUS NetAdapterCreate(NETADAPTER_INIT *init, WDF_OBJECT_ATTRIBUTES *attributes, NETADAPTER *adapter);
NTSTATUS NetAdapterStart(NETADAPTER adapter);
void NetAdapterStop(NETADAPTER adapter);
void NET_ADAPTER_LINK_LAYER_CAPABILITIES_INIT(NET_ADAPTER_LINK_LAYER_CAPABILITIES *c, ULONG64 tx, ULONG64 rx);
void NetAdapterSetLinkLayerCapabilities(NETADAPTER adapter, NET_ADAPTER_LINK_LAYER_CAPABILITIES *c);
void NetAdapterSetLinkLayerMtuSize(NETADAPTER adapter, ULONG mtu);
void NET_ADAPTER_LINK_STATE_INIT(NET_ADAPTER_LINK_STATE *s, ULONG64 speed, NET_IF_MEDIA_CONNECT_STATE connect,
                                 NET_IF_MEDIA_DUPLEX_STATE duplex, NET_ADAPTER_PAUSE_FUNCTION_TYPE pause,
                                 NET_ADAPTER_AUTO_NEGOTIATION_FLAGS flags);
void NetAdapterSetLinkState(NETADAPTER adapter, NET_ADAPTER_LINK_STATE *s);
void NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES_INIT(NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES *c,
                                                       EVT_NET_ADAPTER_OFFLOAD_SET_RX_CHECKSUM *callback);
void NetAdapterOffloadSetRxChecksumCapabilities(NETADAPTER adapter, NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES *c);
BOOLEAN NetOffloadIsRxChecksumIPv4Enabled(NETOFFLOAD offload);
BOOLEAN NetOffloadIsRxChecksumTcpEnabled(NETOFFLOAD offload);
BOOLEAN NetOffloadIsRxChecksumUdpEnabled(NETOFFLOAD offload);

typedef struct _NET_RING {
    uint16_t OSReserved1;
    uint16_t ElementStride;
    uint32_t NumberOfElements;
    uint32_t ElementIndexMask;
    uint32_t EndIndex;
    uint32_t OSReserved0;
    uint32_t BeginIndex;
    uint32_t NextIndex;
    void *Scratch;
    void *OSReserved2;
    uint8_t *Buffer;
} NET_RING;
typedef struct _NET_RING_COLLECTION {
    NET_RING *Rings[2];
} NET_RING_COLLECTION;
typedef NET_RING_COLLECTION const *PCNET_RING_COLLECTION;
typedef struct _NET_PACKET_LAYOUT {
    uint16_t Layer2HeaderLength : 7;
    uint16_t Layer3HeaderLength : 9;
    uint8_t Layer4HeaderLength : 8;
    uint8_t Layer2Type : 4;
    uint8_t Layer3Type : 4;
    uint8_t Layer4Type : 4;
    uint8_t Reserved0 : 4;
} NET_PACKET_LAYOUT;
typedef struct _NET_PACKET {
    uint32_t FragmentIndex;
    uint16_t FragmentCount;
    uint8_t Scratch : 1;
    uint8_t Ignore : 1;
    uint8_t Reserved1 : 6;
    uint8_t Reserved2;
    NET_PACKET_LAYOUT Layout;
} NET_PACKET;
typedef struct _NET_FRAGMENT {
    uint64_t ValidLength : 26;
    uint64_t Capacity : 26;
    uint64_t Offset : 10;
} NET_FRAGMENT;
typedef enum { NetPacketLayer4TypeUnspecified, NetPacketLayer4TypeTcp, NetPacketLayer4TypeUdp, NetPacketLayer4TypeIPFragment,
               NetPacketLayer4TypeIPNotFragment } NET_PACKET_LAYER4_TYPE;
typedef struct _NET_PACKET_CHECKSUM {
    uint8_t Layer2 : 2;
    uint8_t Layer3 : 2;
    uint8_t Layer4 : 2;
    uint8_t Reserved : 2;
} NET_PACKET_CHECKSUM;
typedef enum { NetPacketRxChecksumEvaluationNotChecked = 0, NetPacketRxChecksumEvaluationValid = 1,
               NetPacketRxChecksumEvaluationInvalid = 2 } NET_PACKET_RX_CHECKSUM_EVALUATION;
typedef struct _NET_FRAGMENT_VIRTUAL_ADDRESS {
    void *VirtualAddress;
} NET_FRAGMENT_VIRTUAL_ADDRESS;
typedef struct _NET_EXTENSION {
    void *Reserved[4];
    union {
        BOOLEAN Enabled;
        void *Reserved1;
    };
} NET_EXTENSION;
typedef enum { NetExtensionTypePacket = 1, NetExtensionTypeFragment = 2 } NET_EXTENSION_TYPE;
typedef struct _NET_EXTENSION_QUERY {
    ULONG Size;
    PCWSTR Name;
    ULONG Version;
    NET_EXTENSION_TYPE Type;
} NET_EXTENSION_QUERY;
void NET_PACKET_QUEUE_CONFIG_INIT(NET_PACKET_QUEUE_CONFIG *c, EVT_PACKET_QUEUE_ADVANCE *advance,
                                  EVT_PACKET_QUEUE_SET_NOTIFICATION_ENABLED *notify, EVT_PACKET_QUEUE_CANCEL *cancel);
NTSTATUS NetTxQueueCreate(NETTXQUEUE_INIT *init, WDF_OBJECT_ATTRIBUTES *attributes, NET_PACKET_QUEUE_CONFIG *c, NETPACKETQUEUE *queue);
NTSTATUS NetRxQueueCreate(NETRXQUEUE_INIT *init, WDF_OBJECT_ATTRIBUTES *attributes, NET_PACKET_QUEUE_CONFIG *c, NETPACKETQUEUE *queue);
void NET_EXTENSION_QUERY_INIT(NET_EXTENSION_QUERY *q, const WCHAR *name, ULONG version, NET_EXTENSION_TYPE type);
void NetTxQueueGetExtension(NETPACKETQUEUE queue, NET_EXTENSION_QUERY *q, NET_EXTENSION *e);
void NetRxQueueGetExtension(NETPACKETQUEUE queue, NET_EXTENSION_QUERY *q, NET_EXTENSION *e);
PCNET_RING_COLLECTION NetTxQueueGetRingCollection(NETPACKETQUEUE queue);
PCNET_RING_COLLECTION NetRxQueueGetRingCollection(NETPACKETQUEUE queue);
void NetRxQueueNotifyMoreReceivedPacketsAvailable(NETPACKETQUEUE queue);
void NetTxQueueNotifyMoreCompletedPacketsAvailable(NETPACKETQUEUE queue);

static inline NET_RING *NetRingCollectionGetPacketRing(PCNET_RING_COLLECTION r) { return r->Rings[0]; }
static inline NET_RING *NetRingCollectionGetFragmentRing(PCNET_RING_COLLECTION r) { return r->Rings[1]; }
static inline void *NetRingGetElementAtIndex(NET_RING *ring, uint32_t index)
{
    return ring->Buffer + (size_t)ring->ElementStride * index;
}
static inline NET_PACKET *NetRingGetPacketAtIndex(NET_RING *ring, uint32_t index) { return (NET_PACKET *)NetRingGetElementAtIndex(ring, index); }
static inline NET_FRAGMENT *NetRingGetFragmentAtIndex(NET_RING *ring, uint32_t index) { return (NET_FRAGMENT *)NetRingGetElementAtIndex(ring, index); }
static inline uint32_t NetRingIncrementIndex(NET_RING *ring, uint32_t index) { return (index + 1) & ring->ElementIndexMask; }
static inline void *NetExtensionGetData(NET_EXTENSION const *e, uint32_t index)
{
    return (unsigned char *)e->Reserved[0] + (size_t)e->Reserved[1] * index;
}
static inline NET_FRAGMENT_VIRTUAL_ADDRESS *NetExtensionGetFragmentVirtualAddress(NET_EXTENSION const *e, uint32_t index)
{
    return (NET_FRAGMENT_VIRTUAL_ADDRESS *)NetExtensionGetData(e, index);
}
static inline NET_PACKET_CHECKSUM *NetExtensionGetPacketChecksum(NET_EXTENSION const *e, uint32_t index)
{
    return (NET_PACKET_CHECKSUM *)NetExtensionGetData(e, index);
}

/* ---- WSK ---- */
#define AF_INET 2
#define AF_INET6 23
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_IPV6 41
#define IPV6_V6ONLY 27
#define SOL_SOCKET 0xffff
#define SO_WSK_EVENT_CALLBACK 0x4002
#define WSK_FLAG_CONNECTION_SOCKET 0x2
#define WSK_FLAG_DATAGRAM_SOCKET 0x4
#define WSK_EVENT_RECEIVE 0x40
#define WSK_EVENT_DISCONNECT 0x80
#define WSK_EVENT_RECEIVE_FROM 0x100
#define WSK_EVENT_DISABLE 0x80000000
#define WSK_FLAG_ABORTIVE 0x1

typedef struct sockaddr_sim *PSOCKADDR;
typedef struct _WSK_SOCKET {
    const void *Dispatch;
} WSK_SOCKET, *PWSK_SOCKET;
typedef void *PWSK_CLIENT;
typedef void *PEPROCESS;
typedef void *PETHREAD;
typedef struct _CMSGHDR CMSGHDR;
typedef enum { WskSetOption = 0, WskGetOption, WskIoctl } WSK_CONTROL_SOCKET_TYPE;
typedef struct _WSK_BUF {
    PMDL Mdl;
    ULONG Offset;
    SIZE_T Length;
} WSK_BUF;
typedef struct _WSK_DATAGRAM_INDICATION {
    struct _WSK_DATAGRAM_INDICATION *Next;
    WSK_BUF Buffer;
    void *ControlInfo;
    ULONG ControlInfoLength;
    PSOCKADDR RemoteAddress;
} WSK_DATAGRAM_INDICATION;
typedef struct _WSK_DATA_INDICATION {
    struct _WSK_DATA_INDICATION *Next;
    WSK_BUF Buffer;
} WSK_DATA_INDICATION;
typedef struct _WSK_CLIENT_DISPATCH {
    USHORT Version;
    USHORT Reserved;
    void *WskClientEvent;
} WSK_CLIENT_DISPATCH;
typedef struct _WSK_CLIENT_NPI {
    void *ClientContext;
    const WSK_CLIENT_DISPATCH *Dispatch;
} WSK_CLIENT_NPI;
typedef struct _WSK_REGISTRATION {
    void *Reserved;
} WSK_REGISTRATION;
typedef NTSTATUS (*PFN_WSK_SOCKET)(PWSK_CLIENT, USHORT, USHORT, ULONG, ULONG, void *, const void *, PEPROCESS, PETHREAD, void *, PIRP);
typedef struct _WSK_PROVIDER_DISPATCH {
    USHORT Version;
    USHORT Reserved;
    PFN_WSK_SOCKET WskSocket;
} WSK_PROVIDER_DISPATCH;
typedef struct _WSK_PROVIDER_NPI {
    PWSK_CLIENT Client;
    const WSK_PROVIDER_DISPATCH *Dispatch;
} WSK_PROVIDER_NPI;
typedef NTSTATUS (*PFN_WSK_CONTROL_SOCKET)(PWSK_SOCKET, WSK_CONTROL_SOCKET_TYPE, ULONG, ULONG, SIZE_T, void *, SIZE_T, void *, SIZE_T *, PIRP);
typedef NTSTATUS (*PFN_WSK_CLOSE_SOCKET)(PWSK_SOCKET, PIRP);
typedef NTSTATUS (*PFN_WSK_BIND)(PWSK_SOCKET, PSOCKADDR, ULONG, PIRP);
typedef NTSTATUS (*PFN_WSK_CONNECT)(PWSK_SOCKET, PSOCKADDR, ULONG, PIRP);
typedef NTSTATUS (*PFN_WSK_SEND_TO)(PWSK_SOCKET, WSK_BUF *, ULONG, PSOCKADDR, ULONG, CMSGHDR *, PIRP);
typedef NTSTATUS (*PFN_WSK_SEND)(PWSK_SOCKET, WSK_BUF *, ULONG, PIRP);
typedef struct _WSK_PROVIDER_BASIC_DISPATCH {
    PFN_WSK_CONTROL_SOCKET WskControlSocket;
    PFN_WSK_CLOSE_SOCKET WskCloseSocket;
} WSK_PROVIDER_BASIC_DISPATCH;
typedef struct _WSK_PROVIDER_DATAGRAM_DISPATCH {
    PFN_WSK_CONTROL_SOCKET WskControlSocket;
    PFN_WSK_CLOSE_SOCKET WskCloseSocket;
    PFN_WSK_BIND WskBind;
    PFN_WSK_SEND_TO WskSendTo;
} WSK_PROVIDER_DATAGRAM_DISPATCH;
typedef struct _WSK_PROVIDER_CONNECTION_DISPATCH {
    PFN_WSK_CONTROL_SOCKET WskControlSocket;
    PFN_WSK_CLOSE_SOCKET WskCloseSocket;
    PFN_WSK_BIND WskBind;
    PFN_WSK_CONNECT WskConnect;
    PFN_WSK_SEND WskSend;
} WSK_PROVIDER_CONNECTION_DISPATCH;
typedef NTSTATUS (*PFN_WSK_RECEIVE_FROM_EVENT)(void *, ULONG, WSK_DATAGRAM_INDICATION *);
typedef NTSTATUS (*PFN_WSK_RECEIVE_EVENT)(void *, ULONG, WSK_DATA_INDICATION *, SIZE_T, SIZE_T *);
typedef NTSTATUS (*PFN_WSK_DISCONNECT_EVENT)(void *, ULONG);
typedef struct _WSK_CLIENT_DATAGRAM_DISPATCH {
    PFN_WSK_RECEIVE_FROM_EVENT WskReceiveFromEvent;
} WSK_CLIENT_DATAGRAM_DISPATCH;
typedef struct _WSK_CLIENT_CONNECTION_DISPATCH {
    PFN_WSK_RECEIVE_EVENT WskReceiveEvent;
    PFN_WSK_DISCONNECT_EVENT WskDisconnectEvent;
    void *WskSendBacklogEvent;
} WSK_CLIENT_CONNECTION_DISPATCH;
typedef struct _WSK_EVENT_CALLBACK_CONTROL {
    const GUID *NpiId;
    ULONG EventMask;
} WSK_EVENT_CALLBACK_CONTROL;
NTSTATUS WskRegister(WSK_CLIENT_NPI *client, WSK_REGISTRATION *registration);
void WskDeregister(WSK_REGISTRATION *registration);
NTSTATUS WskCaptureProviderNPI(WSK_REGISTRATION *registration, ULONG wait, WSK_PROVIDER_NPI *provider);
void WskReleaseProviderNPI(WSK_REGISTRATION *registration);

/* ---- TraceLogging: the generated ovpn_trace.c uses the hosted sink when _KERNEL_MODE is not defined ---- */

#endif /* SIM_WDK_H */
