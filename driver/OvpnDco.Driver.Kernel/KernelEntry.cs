using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Binding;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Wdk;
using Trace = OvpnDco.Driver.DriverTrace<OvpnDco.Driver.Binding.BoundPlatform<OvpnDco.Driver.Kernel.WindowsPlatform<OvpnDco.Wdk.KernelWdk, OvpnDco.Driver.Kernel.KmBackend>>>;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// DriverEntry and the WDF/NetAdapterCx callbacks: thin NTAPI thunks ([UnmanagedCallersOnly], passed as function
/// pointers) that find the device's <see cref="DeviceContext"/> and call the generic logic on the real WDK
/// (<see cref="WindowsDevice{TWdk}"/>, <see cref="TxRing{TWdk}"/>). Device: exclusive, buffered I/O,
/// \DosDevices\ovpn-dco, device interface GUID_DEVINTERFACE_NET with reference string "ovpn-dco", a sequential
/// default queue and three manual queues, a timer, a NetAdapterCx adapter with one tx and one rx queue; and the
/// \\.\ovpn-dco-ver control device (GET_VERSION) created in DriverEntry and deleted at unload.
/// </summary>
public static unsafe class KernelEntry
{
    /// <summary>GUID_DEVINTERFACE_NET {CAC88484-7515-4C03-82E6-71A87ABAC361} as the GUID struct's bytes (little-endian fields).</summary>
    private static ReadOnlySpan<byte> GuidDevinterfaceNet => new byte[]
    {
        0x84, 0x84, 0xC8, 0xCA, 0x15, 0x75, 0x03, 0x4C, 0x82, 0xE6, 0x71, 0xA8, 0x7A, 0xBA, 0xC3, 0x61,
    };

    private static ReadOnlySpan<char> SymbolicLink => new[] { '\\', 'D', 'o', 's', 'D', 'e', 'v', 'i', 'c', 'e', 's', '\\', 'o', 'v', 'p', 'n', '-', 'd', 'c', 'o', '\0' };

    private static ReadOnlySpan<char> ReferenceString => new[] { 'o', 'v', 'p', 'n', '-', 'd', 'c', 'o', '\0' };

    /// <summary>Default MTU of the adapter (upstream's 1500; the driver clamps MSS to its own MTU setting).</summary>
    public const uint Mtu = 1500;

    /// <summary>Reported link speed: 1 Gbit/s (a virtual adapter has none; Windows wants a number).</summary>
    public const ulong LinkSpeed = 1_000_000_000;

    private static ReadOnlySpan<char> ControlDeviceName => new[]
    {
        '\\', 'D', 'e', 'v', 'i', 'c', 'e', '\\', 'o', 'v', 'p', 'n', '-', 'd', 'c', 'o', '-', 'v', 'e', 'r', '\0',
    };

    private static ReadOnlySpan<char> ControlSymbolicLink => new[]
    {
        '\\', 'D', 'o', 's', 'D', 'e', 'v', 'i', 'c', 'e', 's', '\\', 'o', 'v', 'p', 'n', '-', 'd', 'c', 'o', '-', 'v', 'e', 'r', '\0',
    };

    /// <summary>SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R: anyone may ask the version.</summary>
    private static ReadOnlySpan<char> ControlSddl => new[]
    {
        'D', ':', 'P', '(', 'A', ';', ';', 'G', 'A', ';', ';', ';', 'S', 'Y', ')', '(', 'A', ';', ';', 'G', 'R', 'G', 'W', 'G', 'X', ';', ';', ';',
        'B', 'A', ')', '(', 'A', ';', ';', 'G', 'R', 'G', 'W', ';', ';', ';', 'W', 'D', ')', '(', 'A', ';', ';', 'G', 'R', ';', ';', ';', 'R', 'C', ')', '\0',
    };

    /// <summary>The \\.\ovpn-dco-ver control device (GET_VERSION without opening the adapter); deleted at unload.</summary>
    private static WDFDEVICE s_controlDevice;

    [Export("DriverEntry")]
    public static NTSTATUS DriverEntry(PDRIVER_OBJECT driverObject, UNICODE_STRING* registryPath)
    {
        WDF_DRIVER_CONFIG config;
        KernelWdk.WDF_DRIVER_CONFIG_INIT(&config, &EvtDriverDeviceAdd);
        config.EvtDriverUnload = &EvtDriverUnload;
        config.DriverPoolTag = (ULONG)KernelTags.Device;
        WDFDRIVER driver;
        // The TraceLogging provider first, so that everything after it can trace; a failure only leaves tracing off.
        _ = Trace.RegisterProvider();
        var status = KernelWdk.WdfDriverCreate(driverObject, registryPath, null, &config, &driver);
        if (Failed(status))
        {
            // No EvtDriverUnload follows a failed DriverEntry: unregister here, or ETW would keep a callback into
            // an unloaded image.
            Trace.UnregisterProvider();
            return status;
        }
        // The adapter works without it: a failure is traced, not fatal.
        var control = CreateControlDevice(driver);
        if (Failed(control))
            Trace.ControlDeviceNotCreated((int)control);
        return status;
    }

    private static NTSTATUS CreateControlDevice(WDFDRIVER driver)
    {
        fixed (char* sddlText = ControlSddl, nameText = ControlDeviceName, linkText = ControlSymbolicLink)
        {
            UNICODE_STRING sddl, name, link;
            KernelWdk.RtlInitUnicodeString(&sddl, sddlText);
            KernelWdk.RtlInitUnicodeString(&name, nameText);
            KernelWdk.RtlInitUnicodeString(&link, linkText);
            PWDFDEVICE_INIT init = KernelWdk.WdfControlDeviceInitAllocate(driver, &sddl);
            if (init.Value == 0)
                return NTSTATUS.STATUS_INSUFFICIENT_RESOURCES;
            var status = KernelWdk.WdfDeviceInitAssignName(init, &name);
            if (Failed(status))
            {
                KernelWdk.WdfDeviceInitFree(init);
                return status;
            }
            WDF_OBJECT_ATTRIBUTES attributes;
            KmBackend.ContextAttributesInit(&attributes);
            attributes.EvtCleanupCallback = &EvtDeviceCleanup;
            WDFDEVICE device;
            status = KernelWdk.WdfDeviceCreate(&init, &attributes, &device);
            if (Failed(status))
            {
                KernelWdk.WdfDeviceInitFree(init);
                return status;
            }
            s_controlDevice = device;
            var ctx = (DeviceContext*)WindowsPlatform<KernelWdk, KmBackend>.Alloc((nuint)sizeof(DeviceContext), KernelTags.Device);
            if (ctx == null)
                return NTSTATUS.STATUS_INSUFFICIENT_RESOURCES;
            *KmBackend.ContextSlot(new WDFOBJECT { Value = device.Value }) = ctx;
            ctx->Device = device;
            ctx->Control = 1;
            KernelWdk.ExInitializeRundownProtection(&ctx->StateRundown);
            ctx->State = Driver<OvpnDco.Driver.Binding.BoundPlatform<WindowsPlatform<KernelWdk, KmBackend>>>.Create((nint)ctx);
            if (ctx->State == null)
                return NTSTATUS.STATUS_INSUFFICIENT_RESOURCES;
            WDF_IO_QUEUE_CONFIG queueConfig;
            KernelWdk.WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WDF_IO_QUEUE_DISPATCH_TYPE.WdfIoQueueDispatchSequential);
            queueConfig.EvtIoDeviceControl = &EvtIoDeviceControl;
            WDFQUEUE queue;
            status = KernelWdk.WdfIoQueueCreate(device, &queueConfig, null, &queue);
            if (Failed(status))
                return status;
            status = KernelWdk.WdfDeviceCreateSymbolicLink(device, &link);
            if (Failed(status))
                return status;
            KernelWdk.WdfControlFinishInitializing(device);
            return status;
        }
    }

    /// <summary>A control device keeps the driver loaded until it is deleted.</summary>
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtDriverUnload(WDFDRIVER driver)
    {
        if (s_controlDevice.Value != 0)
            KernelWdk.WdfObjectDelete(new WDFOBJECT { Value = s_controlDevice.Value });
        s_controlDevice = default;
        Trace.UnregisterProvider(); // last: nothing traces after this
    }

    private static DeviceContext* ContextOf(WDFOBJECT obj) => (DeviceContext*)*KmBackend.ContextSlot(obj);

    private static DeviceContext* ContextOfQueue(WDFQUEUE queue) => ContextOf(new WDFOBJECT { Value = KernelWdk.WdfIoQueueGetDevice(queue).Value });

    private static bool Failed(NTSTATUS status) => (int)status < 0;

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static NTSTATUS EvtDriverDeviceAdd(WDFDRIVER driver, PWDFDEVICE_INIT init)
    {
        KernelWdk.WdfDeviceInitSetExclusive(init, true);
        KernelWdk.WdfDeviceInitSetIoType(init, WDF_DEVICE_IO_TYPE.WdfDeviceIoBuffered);
        var status = KernelWdk.NetDeviceInitConfig(init);
        if (Failed(status))
            return status;
        WDF_FILEOBJECT_CONFIG fileConfig;
        KernelWdk.WDF_FILEOBJECT_CONFIG_INIT(&fileConfig, &EvtDeviceFileCreate, null, &EvtFileCleanup);
        KernelWdk.WdfDeviceInitSetFileObjectConfig(init, &fileConfig, null);

        WDF_OBJECT_ATTRIBUTES attributes;
        KmBackend.ContextAttributesInit(&attributes);
        attributes.EvtCleanupCallback = &EvtDeviceCleanup;
        WDFDEVICE device;
        status = KernelWdk.WdfDeviceCreate(&init, &attributes, &device);
        if (Failed(status))
            return status;
        var ctx = (DeviceContext*)WindowsPlatform<KernelWdk, KmBackend>.Alloc((nuint)sizeof(DeviceContext), KernelTags.Device);
        if (ctx == null)
            return NTSTATUS.STATUS_INSUFFICIENT_RESOURCES;
        *KmBackend.ContextSlot(new WDFOBJECT { Value = device.Value }) = ctx;
        ctx->Device = device;
        // No state until a handle opens: run down, so callbacks before that fail to enter.
        KernelWdk.ExInitializeRundownProtection(&ctx->StateRundown);
        KernelWdk.ExWaitForRundownProtectionRelease(&ctx->StateRundown);
        ctx->EarlyReadData = (byte*)WindowsPlatform<KernelWdk, KmBackend>.Alloc((nuint)Proto.MaxWire, KernelTags.Buffer);
        ctx->EarlyPendingData = (byte*)WindowsPlatform<KernelWdk, KmBackend>.Alloc((nuint)Proto.MaxWire, KernelTags.Buffer);
        ctx->TxScratch = (byte*)WindowsPlatform<KernelWdk, KmBackend>.Alloc((nuint)Proto.MaxWire, KernelTags.Buffer);
        ctx->TxBatch = (TxPacket*)WindowsPlatform<KernelWdk, KmBackend>.Alloc((nuint)(TxRing<KernelWdk, KmBackend>.BatchSize * sizeof(TxPacket)), KernelTags.Buffer);
        ctx->RxPool = (byte*)WindowsPlatform<KernelWdk, KmBackend>.Alloc(RxRing<KernelWdk, KmBackend>.PoolSize, KernelTags.Buffer);
        if (ctx->EarlyReadData == null || ctx->EarlyPendingData == null || ctx->TxScratch == null || ctx->TxBatch == null || ctx->RxPool == null)
            return NTSTATUS.STATUS_INSUFFICIENT_RESOURCES;
        RxRing<KernelWdk, KmBackend>.Init(ctx, ctx->RxPool);
        if (TransportBuffers<KernelWdk>.Init(ctx) != 0 || KernelWsk.Init(ctx) != 0)
            return NTSTATUS.STATUS_INSUFFICIENT_RESOURCES;
        // PASSIVE_LEVEL here: the WSK registration and provider capture may wait for the WSK subsystem.
        status = WskClient<KernelWdk>.Register(ctx);
        if (Failed(status))
            return status;

        status = CreateQueues(ctx);
        if (Failed(status))
            return status;
        status = CreateTimer(ctx);
        if (Failed(status))
            return status;
        fixed (char* link = SymbolicLink, reference = ReferenceString)
        fixed (byte* guidBytes = GuidDevinterfaceNet)
        {
            UNICODE_STRING name;
            KernelWdk.RtlInitUnicodeString(&name, link);
            status = KernelWdk.WdfDeviceCreateSymbolicLink(device, &name);
            if (Failed(status))
                return status;
            GUID guid;
            Unsafe.CopyBlock(&guid, guidBytes, 16);
            UNICODE_STRING referenceString;
            KernelWdk.RtlInitUnicodeString(&referenceString, reference);
            status = KernelWdk.WdfDeviceCreateDeviceInterface(device, &guid, &referenceString);
            if (Failed(status))
                return status;
        }
        return CreateAdapter(ctx);
    }

    private static NTSTATUS CreateQueues(DeviceContext* ctx)
    {
        WDF_IO_QUEUE_CONFIG config;
        KernelWdk.WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&config, WDF_IO_QUEUE_DISPATCH_TYPE.WdfIoQueueDispatchSequential);
        config.EvtIoRead = &EvtIoRead;
        config.EvtIoWrite = &EvtIoWrite;
        config.EvtIoDeviceControl = &EvtIoDeviceControl;
        WDFQUEUE queue;
        var status = KernelWdk.WdfIoQueueCreate(ctx->Device, &config, null, &queue);
        if (Failed(status))
            return status;
        for (int i = 0; i < 3; i++)
        {
            KernelWdk.WDF_IO_QUEUE_CONFIG_INIT(&config, WDF_IO_QUEUE_DISPATCH_TYPE.WdfIoQueueDispatchManual);
            config.EvtIoCanceledOnQueue = &EvtIoCanceledOnQueue;
            status = KernelWdk.WdfIoQueueCreate(ctx->Device, &config, null, &queue);
            if (Failed(status))
                return status;
            if (i == 0)
                ctx->ReadQueue = queue;
            else if (i == 1)
                ctx->NotifyQueue = queue;
            else
                ctx->NewPeerQueue = queue;
        }
        return NTSTATUS.STATUS_SUCCESS;
    }

    private static NTSTATUS CreateTimer(DeviceContext* ctx)
    {
        WDF_TIMER_CONFIG config;
        KernelWdk.WDF_TIMER_CONFIG_INIT(&config, &EvtTimer);
        WDF_OBJECT_ATTRIBUTES attributes;
        KmBackend.ContextAttributesInit(&attributes);
        attributes.ParentObject = new WDFOBJECT { Value = ctx->Device.Value };
        WDFTIMER timer;
        var status = KernelWdk.WdfTimerCreate(&config, &attributes, &timer);
        if (Failed(status))
            return status;
        *KmBackend.ContextSlot(new WDFOBJECT { Value = timer.Value }) = ctx;
        ctx->Timer = timer;
        return status;
    }

    private static NTSTATUS CreateAdapter(DeviceContext* ctx)
    {
        NETADAPTER_INIT* init = KernelWdk.NetAdapterInitAllocate(ctx->Device);
        if (init == null)
            return NTSTATUS.STATUS_INSUFFICIENT_RESOURCES;
        NET_ADAPTER_DATAPATH_CALLBACKS callbacks;
        KernelWdk.NET_ADAPTER_DATAPATH_CALLBACKS_INIT(&callbacks, &EvtCreateTxQueue, &EvtCreateRxQueue);
        KernelWdk.NetAdapterInitSetDatapathCallbacks(init, &callbacks);
        WDF_OBJECT_ATTRIBUTES attributes;
        KmBackend.ContextAttributesInit(&attributes);
        NETADAPTER adapter;
        var status = KernelWdk.NetAdapterCreate(init, &attributes, &adapter);
        KernelWdk.NetAdapterInitFree(init);
        if (Failed(status))
            return status;
        *KmBackend.ContextSlot(new WDFOBJECT { Value = adapter.Value }) = ctx;
        ctx->Adapter = adapter;
        NET_ADAPTER_LINK_LAYER_CAPABILITIES capabilities;
        KernelWdk.NET_ADAPTER_LINK_LAYER_CAPABILITIES_INIT(&capabilities, LinkSpeed, LinkSpeed);
        KernelWdk.NetAdapterSetLinkLayerCapabilities(adapter, &capabilities);
        KernelWdk.NetAdapterSetLinkLayerMtuSize(adapter, (ULONG)Mtu);
        NET_ADAPTER_LINK_STATE link;
        KernelWdk.NET_ADAPTER_LINK_STATE_INIT(&link, LinkSpeed, NET_IF_MEDIA_CONNECT_STATE.MediaConnectStateDisconnected,
            NET_IF_MEDIA_DUPLEX_STATE.MediaDuplexStateFull, NET_ADAPTER_PAUSE_FUNCTION_TYPE.NetAdapterPauseFunctionTypeUnsupported,
            NET_ADAPTER_AUTO_NEGOTIATION_FLAGS.NetAdapterAutoNegotiationFlagNone);
        KernelWdk.NetAdapterSetLinkState(adapter, &link);
        NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES rxChecksum;
        KernelWdk.NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES_INIT(&rxChecksum, &EvtAdapterOffloadSetRxChecksum);
        KernelWdk.NetAdapterOffloadSetRxChecksumCapabilities(adapter, &rxChecksum);
        return KernelWdk.NetAdapterStart(adapter);
    }

    /// <summary>The OS changed which receive checksums it wants evaluated (PASSIVE_LEVEL): the rx ring reads the bits per packet.</summary>
    [Irql(KIrql.Passive)]
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtAdapterOffloadSetRxChecksum(NETADAPTER adapter, NETOFFLOAD offload)
    {
        var ctx = ContextOf(new WDFOBJECT { Value = adapter.Value });
        if (ctx == null)
            return;
        int enabled = (KernelWdk.NetOffloadIsRxChecksumIPv4Enabled(offload) ? RxChecksumOffload.IPv4 : 0)
            | (KernelWdk.NetOffloadIsRxChecksumTcpEnabled(offload) ? RxChecksumOffload.Tcp : 0)
            | (KernelWdk.NetOffloadIsRxChecksumUdpEnabled(offload) ? RxChecksumOffload.Udp : 0);
        System.Threading.Volatile.Write(ref ctx->RxChecksumEnabled, enabled);
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtDeviceCleanup(WDFOBJECT device)
    {
        var ctx = ContextOf(device);
        if (ctx == null)
            return;
        if (ctx->State != null)
            Driver<OvpnDco.Driver.Binding.BoundPlatform<WindowsPlatform<KernelWdk, KmBackend>>>.Destroy(ctx->State);
        ctx->State = null;
        WindowsPlatform<KernelWdk, KmBackend>.Free(ctx->EarlyReadData, KernelTags.Buffer);
        WindowsPlatform<KernelWdk, KmBackend>.Free(ctx->EarlyPendingData, KernelTags.Buffer);
        WindowsPlatform<KernelWdk, KmBackend>.Free(ctx->TxScratch, KernelTags.Buffer);
        WindowsPlatform<KernelWdk, KmBackend>.Free(ctx->TxBatch, KernelTags.Buffer);
        WindowsPlatform<KernelWdk, KmBackend>.Free(ctx->RxPool, KernelTags.Buffer);
        // The handle's cleanup closed the sockets; a buffer the stack still owned would be leaked, not freed.
        TransportBuffers<KernelWdk>.Destroy(ctx);
        WskTransport<KernelWdk, KmBackend>.Destroy(ctx);
        WskClient<KernelWdk>.Unregister(ctx);
        WindowsPlatform<KernelWdk, KmBackend>.Free(ctx, KernelTags.Device);
        *KmBackend.ContextSlot(device) = null;
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtDeviceFileCreate(WDFDEVICE device, WDFREQUEST request, WDFFILEOBJECT fileObject)
    {
        var status = WindowsDevice<KernelWdk, KmBackend>.OnFileCreate(ContextOf(new WDFOBJECT { Value = device.Value }));
        KernelWdk.WdfRequestCompleteWithInformation(request, (NTSTATUS)(int)status, 0);
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtFileCleanup(WDFFILEOBJECT fileObject)
    {
        var device = KernelWdk.WdfFileObjectGetDevice(fileObject);
        WindowsDevice<KernelWdk, KmBackend>.OnFileCleanup(ContextOf(new WDFOBJECT { Value = device.Value }), fileObject);
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtIoRead(WDFQUEUE queue, WDFREQUEST request, nuint length) => WindowsDevice<KernelWdk, KmBackend>.OnRead(ContextOfQueue(queue), request);

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtIoWrite(WDFQUEUE queue, WDFREQUEST request, nuint length) => WindowsDevice<KernelWdk, KmBackend>.OnWrite(ContextOfQueue(queue), request);

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtIoDeviceControl(WDFQUEUE queue, WDFREQUEST request, nuint outputLength, nuint inputLength, ULONG code) =>
        WindowsDevice<KernelWdk, KmBackend>.OnDeviceControl(ContextOfQueue(queue), request, outputLength, inputLength, (uint)code,
            ContextOfQueue(queue)->Control != 0);

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtIoCanceledOnQueue(WDFQUEUE queue, WDFREQUEST request) =>
        WindowsDevice<KernelWdk, KmBackend>.OnCanceledOnQueue(ContextOfQueue(queue), queue, request);

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtTimer(WDFTIMER timer) => WindowsDevice<KernelWdk, KmBackend>.OnTimer(ContextOf(new WDFOBJECT { Value = timer.Value }));

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static NTSTATUS EvtCreateTxQueue(NETADAPTER adapter, NETTXQUEUE_INIT* init) => CreatePacketQueue(adapter, init, null);

    /// <summary>The receive queue: fed from the packets the driver delivers (RxRing).</summary>
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static NTSTATUS EvtCreateRxQueue(NETADAPTER adapter, NETRXQUEUE_INIT* init) => CreatePacketQueue(adapter, null, init);

    /// <summary>
    /// The adapter's transmit queue (<paramref name="txInit"/> set) or receive queue (<paramref name="rxInit"/> set):
    /// created with its callbacks, its context slot pointing at the device's, its fragment virtual-address extension.
    /// </summary>
    private static NTSTATUS CreatePacketQueue(NETADAPTER adapter, NETTXQUEUE_INIT* txInit, NETRXQUEUE_INIT* rxInit)
    {
        bool tx = txInit != null;
        var ctx = ContextOf(new WDFOBJECT { Value = adapter.Value });
        NET_PACKET_QUEUE_CONFIG config;
        if (tx)
            KernelWdk.NET_PACKET_QUEUE_CONFIG_INIT(&config, &EvtTxAdvance, &EvtTxNotificationEnabled, &EvtTxCancel);
        else
            KernelWdk.NET_PACKET_QUEUE_CONFIG_INIT(&config, &EvtRxAdvance, &EvtRxNotificationEnabled, &EvtRxCancel);
        WDF_OBJECT_ATTRIBUTES attributes;
        KmBackend.ContextAttributesInit(&attributes);
        NETPACKETQUEUE queue;
        var status = tx
            ? KernelWdk.NetTxQueueCreate(txInit, &attributes, &config, &queue)
            : KernelWdk.NetRxQueueCreate(rxInit, &attributes, &config, &queue);
        if (Failed(status))
            return status;
        *KmBackend.ContextSlot(new WDFOBJECT { Value = queue.Value }) = ctx;
        if (tx)
            ctx->TxQueue = queue;
        else
            ctx->RxQueue = queue;
        QueryFragmentVa(queue, tx, tx ? &ctx->TxVirtualAddress : &ctx->RxVirtualAddress);
        if (!tx)
            QueryRxChecksum(queue, &ctx->RxChecksum);
        return status;
    }

    /// <summary>The rx queue's packet checksum extension (granted when the OS enabled receive checksum offload).</summary>
    private static void QueryRxChecksum(NETPACKETQUEUE queue, NET_EXTENSION* extension)
    {
        fixed (char* name = PacketChecksumName)
        {
            NET_EXTENSION_QUERY query;
            KernelWdk.NET_EXTENSION_QUERY_INIT(&query, name, (ULONG)1, NET_EXTENSION_TYPE.NetExtensionTypePacket);
            KernelWdk.NetRxQueueGetExtension(queue, &query, extension);
        }
    }

    /// <summary>NET_PACKET_EXTENSION_CHECKSUM_NAME, L"ms_packet_checksum" (version 1).</summary>
    private static ReadOnlySpan<char> PacketChecksumName => new[]
    {
        'm', 's', '_', 'p', 'a', 'c', 'k', 'e', 't', '_', 'c', 'h', 'e', 'c', 'k', 's', 'u', 'm', '\0',
    };

    /// <summary>The queue's fragment virtual-address extension (where each fragment's buffer is mapped).</summary>
    private static void QueryFragmentVa(NETPACKETQUEUE queue, bool tx, NET_EXTENSION* extension)
    {
        fixed (char* name = FragmentVaName)
        {
            NET_EXTENSION_QUERY query;
            KernelWdk.NET_EXTENSION_QUERY_INIT(&query, name, (ULONG)1, NET_EXTENSION_TYPE.NetExtensionTypeFragment);
            if (tx)
                KernelWdk.NetTxQueueGetExtension(queue, &query, extension);
            else
                KernelWdk.NetRxQueueGetExtension(queue, &query, extension);
        }
    }

    /// <summary>NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_NAME, L"ms_fragment_virtualaddress".</summary>
    private static ReadOnlySpan<char> FragmentVaName => new[]
    {
        'm', 's', '_', 'f', 'r', 'a', 'g', 'm', 'e', 'n', 't', '_', 'v', 'i', 'r', 't', 'u', 'a', 'l', 'a', 'd', 'd', 'r', 'e', 's', 's', '\0',
    };


    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtTxAdvance(NETPACKETQUEUE queue) => TxRing<KernelWdk, KmBackend>.Advance(ContextOf(new WDFOBJECT { Value = queue.Value }), queue);

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtRxAdvance(NETPACKETQUEUE queue) => RxRing<KernelWdk, KmBackend>.Advance(ContextOf(new WDFOBJECT { Value = queue.Value }), queue);

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtRxNotificationEnabled(NETPACKETQUEUE queue, byte enabled) =>
        RxRing<KernelWdk, KmBackend>.SetNotification(ContextOf(new WDFOBJECT { Value = queue.Value }), enabled != 0);

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtRxCancel(NETPACKETQUEUE queue) => RxRing<KernelWdk, KmBackend>.Cancel(queue);

    /// <summary>Tx completes every packet within its advance, so there is never anything to notify about.</summary>
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtTxNotificationEnabled(NETPACKETQUEUE queue, byte enabled)
    {
    }

    /// <summary>Tx cancel: the next advance returns everything (tx completes every packet it is given).</summary>
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtTxCancel(NETPACKETQUEUE queue)
    {
    }
}
