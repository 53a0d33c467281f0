using System;
using System.Runtime.CompilerServices;
using OvpnDco.Driver.Binding;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// The WSK transport (IPlatform.TransportOpen/Listen/Close/Send): one socket per device, a UDP datagram socket or
/// (P2P TCP) a connection socket, created, configured, bound and connected by a chain of IRP completions because the
/// core calls in at DISPATCH_LEVEL with its lock held (<see cref="WskSocketState"/>). UDP receive is the
/// WskReceiveFromEvent callback: the indication list goes to the core as one batch and is consumed (STATUS_SUCCESS,
/// nothing retained); TCP receive and disconnect are <see cref="WskStream{TWdk, TKm}"/>. Send is WskSendTo or WskSend
/// over the transport buffer's own MDL and IRP (<see cref="TransportBuffers{TWdk}"/>); its completion returns the buffer.
/// </summary>
public static unsafe class WskTransport<TWdk, TKm>
    where TWdk : IWdk
    where TKm : IKmBackend
{
    /// <summary>Datagrams handed to the core per call (the batch lives on the kernel stack: 8 × 48 bytes).</summary>
    public const int BatchSize = 8;

    /// <summary>NPI_WSK_INTERFACE_ID {2227E803-8D8B-11D4-ABAD-009027719E09} as the GUID struct's bytes (little-endian fields).</summary>
    private static ReadOnlySpan<byte> NpiWskInterfaceId => new byte[]
    {
        0x03, 0xE8, 0x27, 0x22, 0x8B, 0x8D, 0xD4, 0x11, 0xAB, 0xAD, 0x00, 0x90, 0x27, 0x71, 0x9E, 0x09,
    };

    /// <summary>
    /// Device add (PASSIVE_LEVEL): the socket IRP, the event tables and completion routines (the caller's
    /// [UnmanagedCallersOnly] entry points), NPI_WSK_INTERFACE_ID for SO_WSK_EVENT_CALLBACK; -1 without memory.
    /// </summary>
    [Irql(KIrql.Passive)]
    public static int Init(DeviceContext* ctx, WskCallbacks* callbacks)
    {
        WskSocketState* w = &ctx->Wsk;
        w->DatagramEvents.WskReceiveFromEvent = callbacks->ReceiveFrom;
        w->ConnectionEvents.WskReceiveEvent = callbacks->Receive;
        w->ConnectionEvents.WskDisconnectEvent = callbacks->Disconnect;
        w->StepComplete = callbacks->StepComplete;
        w->SendComplete = callbacks->SendComplete;
        // NPI_WSK_INTERFACE_ID: wsk.h declares it extern (netio.lib defines it); its value is copied here.
        fixed (byte* id = NpiWskInterfaceId)
            Unsafe.CopyBlock(&w->NpiId, id, 16);
        w->Events.NpiId = &w->NpiId;
        TWdk.KeInitializeDpc(&w->Notice, callbacks->Notice, ctx);
        TWdk.ExInitializeRundownProtection(&w->Rundown);
        w->Irp = TWdk.IoAllocateIrp(1, false);
        w->CloseIrp = TWdk.IoAllocateIrp(1, false);
        return w->Irp.Value == 0 || w->CloseIrp.Value == 0 ? -1 : 0;
    }

    /// <summary>Device cleanup (PASSIVE_LEVEL, no socket left: <see cref="WaitClosed"/> ran at the handle's cleanup).</summary>
    [Irql(KIrql.Passive)]
    public static void Destroy(DeviceContext* ctx)
    {
        if (ctx->Wsk.Irp.Value != 0)
            TWdk.IoFreeIrp(ctx->Wsk.Irp);
        if (ctx->Wsk.CloseIrp.Value != 0)
            TWdk.IoFreeIrp(ctx->Wsk.CloseIrp);
        ctx->Wsk.Irp = default;
        ctx->Wsk.CloseIrp = default;
    }

    /// <summary>
    /// Opens the socket: UDP bound to <paramref name="local"/> (a wildcard of <paramref name="family"/>'s when unset),
    /// or TCP bound likewise and connected to <paramref name="remote"/>. Returns at once: Success when the creation is
    /// under way (sends fail with DeviceNotReady until it is ready; a TCP connect ends in
    /// <c>Driver.OnTransportConnected</c>), or queued behind the close of the previous socket when that is in flight.
    /// <paramref name="transport"/> is the core's number of this transport, passed back with its events.
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static NtStatus Open(DeviceContext* ctx, SockAddrInet* local, SockAddrInet* remote, WinAddressFamily family, bool ipv6Only, bool tcp, uint transport)
    {
        WskSocketState* w = &ctx->Wsk;
        if (ctx->WskRegistered == 0 || w->Irp.Value == 0)
            return NtStatus.InvalidDeviceState;
        if (family != WinAddressFamily.Inet && family != WinAddressFamily.Inet6 || tcp && (remote == null || remote->Family != family))
            return NtStatus.InvalidParameter;
        WskOpenRequest request;
        new Span<byte>(&request, sizeof(WskOpenRequest)).Clear();
        if (local != null && local->Family == family)
            request.Local = *local;
        else
            request.Local.Addr4.Family = family;
        if (tcp)
            request.Remote = *remote;
        request.Ipv6Only = ipv6Only && family == WinAddressFamily.Inet6 && !tcp ? 1 : 0;
        request.Tcp = tcp ? 1 : 0;
        request.Transport = transport;
        request.Valid = 1;

        byte irql = TWdk.ExAcquireSpinLockExclusive(&w->Lock);
        if (w->Step != WskStep.None && w->CloseRequested != 0 && w->Queued.Valid == 0)
        {
            // The previous socket is still closing: this one is created when that close completes.
            w->Queued = request;
            TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            return NtStatus.Success;
        }
        if (w->Step != WskStep.None || !TWdk.ExAcquireRundownProtection(&w->Rundown))
        {
            TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            return NtStatus.InvalidDeviceState;
        }
        // The socket's own reference on the rundown, released when its close completes (or its creation failed and was closed).
        Begin(w, &request);
        TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
        Create(ctx);
        return NtStatus.Success;
    }

    /// <summary>A socket's life starts (lock held): its request becomes the current one.</summary>
    private static void Begin(WskSocketState* w, WskOpenRequest* request)
    {
        w->Current = *request;
        w->Current.Valid = 0;
        w->CloseRequested = 0;
        w->Disconnected = 0;
        w->StreamBroken = 0;
        w->Socket = default;
        w->Step = WskStep.Creating;
    }

    /// <summary>WskSocket for the current request: a datagram or a connection socket, the device its context.</summary>
    private static void Create(DeviceContext* ctx)
    {
        WskSocketState* w = &ctx->Wsk;
        Prepare(ctx, w->Irp);
        ushort type = WskConstants.SOCK_DGRAM;
        uint protocol = WskConstants.IPPROTO_UDP;
        uint flags = WskConstants.WSK_FLAG_DATAGRAM_SOCKET;
        PCVOID events = new PCVOID { Value = (nint)(&w->DatagramEvents) };
        if (w->Current.Tcp != 0)
        {
            type = WskConstants.SOCK_STREAM;
            protocol = WskConstants.IPPROTO_TCP;
            flags = WskConstants.WSK_FLAG_CONNECTION_SOCKET;
            events = new PCVOID { Value = (nint)(&w->ConnectionEvents) };
        }
        ushort family = (ushort)w->Current.Local.Family;
        ctx->WskProvider.Dispatch->WskSocket(ctx->WskProvider.Client, family, type, (ULONG)protocol, (ULONG)flags, ctx, events, default, default, null, w->Irp);
    }

    private static void Prepare(DeviceContext* ctx, PIRP irp)
    {
        TWdk.IoReuseIrp(irp, NTSTATUS.STATUS_UNSUCCESSFUL);
        TWdk.IoSetCompletionRoutine(irp, ctx->Wsk.StepComplete, ctx, true, true, true);
    }

    private static WSK_PROVIDER_BASIC_DISPATCH* Basic(PWSK_SOCKET socket) => (WSK_PROVIDER_BASIC_DISPATCH*)((WSK_SOCKET*)socket.Value)->Dispatch;

    private static WSK_PROVIDER_DATAGRAM_DISPATCH* Datagram(PWSK_SOCKET socket) => (WSK_PROVIDER_DATAGRAM_DISPATCH*)((WSK_SOCKET*)socket.Value)->Dispatch;

    private static WSK_PROVIDER_CONNECTION_DISPATCH* Connection(PWSK_SOCKET socket) => (WSK_PROVIDER_CONNECTION_DISPATCH*)((WSK_SOCKET*)socket.Value)->Dispatch;

    /// <summary>
    /// The socket IRP completed (DISPATCH_LEVEL, any CPU): the next step of the chain — create → (IPv6-only) → bind →
    /// (TCP: connect →) events enabled, Ready — or the close it was asked for meanwhile, or the end of the close (and
    /// the start of a queued open). A TCP chain that fails, or connects, tells the core (outside the lock).
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static NTSTATUS OnStepComplete(DeviceContext* ctx, PIRP irp)
    {
        WskSocketState* w = &ctx->Wsk;
        IRP* r = (IRP*)irp.Value;
        NTSTATUS result = r->IoStatus.Status;
        bool ok = (int)result >= 0;
        byte irql = TWdk.ExAcquireSpinLockExclusive(&w->Lock);
        WskStep step = w->Step;
        uint transport = w->Current.Transport; // read under the lock: once it is released, a queued open may replace it
        if (w->AbortPending != 0)
        {
            // A connect aborted by an early close: the socket ends when both the cancelled connect and the close completed.
            w->AbortPending &= irp.Value == w->CloseIrp.Value ? ~2 : ~1;
            if (w->AbortPending != 0)
            {
                TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
                return NTSTATUS.STATUS_MORE_PROCESSING_REQUIRED;
            }
            step = WskStep.Closing;
        }
        if (step == WskStep.Creating && ok)
            w->Socket = new PWSK_SOCKET { Value = (nint)r->IoStatus.Information };
        if (step == WskStep.Closing || (!ok || w->CloseRequested != 0) && w->Socket.Value == 0)
        {
            // The close completed, or nothing was created: the socket's rundown reference ends (or passes to a queued open).
            w->Socket = default;
            bool closed = w->CloseRequested != 0 || step == WskStep.Closing;
            w->Step = closed ? WskStep.None : WskStep.Failed;
            if (closed && w->Queued.Valid != 0)
            {
                WskOpenRequest queued = w->Queued;
                w->Queued.Valid = 0;
                Begin(w, &queued);
                TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
                Create(ctx);
                return NTSTATUS.STATUS_MORE_PROCESSING_REQUIRED;
            }
            bool tellCore = !closed && w->Current.Tcp != 0;
            TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            if (closed)
                TWdk.ExReleaseRundownProtection(&w->Rundown);
            if (tellCore)
                NoticeConnected(ctx, result, transport);
            return NTSTATUS.STATUS_MORE_PROCESSING_REQUIRED;
        }
        if (w->CloseRequested != 0)
        {
            w->Step = WskStep.Closing;
            TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            IssueClose(ctx);
            return NTSTATUS.STATUS_MORE_PROCESSING_REQUIRED;
        }
        if (!ok)
        {
            // The core closes the transport later (a TCP core is told now; otherwise file cleanup does): the socket stays until then.
            w->Step = WskStep.Failed;
            bool tellCore = w->Current.Tcp != 0;
            TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            if (tellCore)
                NoticeConnected(ctx, result, transport);
            return NTSTATUS.STATUS_MORE_PROCESSING_REQUIRED;
        }
        bool tcp = w->Current.Tcp != 0;
        WskStep next = step == WskStep.Creating && w->Current.Ipv6Only != 0 ? WskStep.SettingV6Only
            : step == WskStep.Creating || step == WskStep.SettingV6Only ? WskStep.Binding
            : step == WskStep.Binding && tcp ? WskStep.Connecting : WskStep.EventsQueued;
        w->Step = next;
        PWSK_SOCKET socket = w->Socket;
        TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);

        if (next == WskStep.SettingV6Only)
        {
            Prepare(ctx, irp);
            w->OptionValue = (ULONG)1;
            Basic(socket)->WskControlSocket(socket, WSK_CONTROL_SOCKET_TYPE.WskSetOption, (ULONG)WskConstants.IPV6_V6ONLY, (ULONG)WskConstants.IPPROTO_IPV6,
                new SIZE_T { Value = sizeof(ULONG) }, &w->OptionValue, default, null, null, irp);
        }
        else if (next == WskStep.Binding)
        {
            Prepare(ctx, irp);
            var local = new PSOCKADDR { Value = (nint)(&w->Current.Local) };
            if (tcp)
                Connection(socket)->WskBind(socket, local, (ULONG)0, irp);
            else
                Datagram(socket)->WskBind(socket, local, (ULONG)0, irp);
        }
        else if (next == WskStep.Connecting)
        {
            Prepare(ctx, irp);
            Connection(socket)->WskConnect(socket, new PSOCKADDR { Value = (nint)(&w->Current.Remote) }, (ULONG)0, irp);
        }
        else
        {
            // Bound (UDP) or connected (TCP): the notice DPC enables the receive events (this may be inside the
            // provider call that Open made, inside the core's lock, where an event indicated at once would deadlock).
            TWdk.KeInsertQueueDpc(&w->Notice, null, null);
        }
        return NTSTATUS.STATUS_MORE_PROCESSING_REQUIRED;
    }

    /// <summary>A TCP chain ended: the notice DPC tells the core, which completes the pended NEW_PEER (a failure deletes the peer and closes the transport).</summary>
    private static void NoticeConnected(DeviceContext* ctx, NTSTATUS status, uint transport)
    {
        WskSocketState* w = &ctx->Wsk;
        byte irql = TWdk.ExAcquireSpinLockExclusive(&w->Lock);
        RecordConnected(w, status, transport);
        TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
        TWdk.KeInsertQueueDpc(&w->Notice, null, null);
    }

    /// <summary>The connect's outcome for the notice DPC (lock held; a transport number is never 0, so it marks the notice).</summary>
    private static void RecordConnected(WskSocketState* w, NTSTATUS status, uint transport)
    {
        w->ConnectStatus = status;
        w->ConnectTransport = transport;
    }

    /// <summary>
    /// A TCP connection was lost: recorded without a lock (the newest transport's number wins; they count up) and the
    /// notice DPC queued, which tells the core (see <see cref="WskStream{TWdk, TKm}.Lost"/>).
    /// </summary>
    internal static void NoticeLost(DeviceContext* ctx, uint transport)
    {
        WskSocketState* w = &ctx->Wsk;
        uint seen = System.Threading.Volatile.Read(ref w->LostNotice);
        while (seen == 0 || seen - transport > int.MaxValue) // unset, or older than transport (serial-number order: the count wraps)
        {
            uint was = System.Threading.Interlocked.CompareExchange(ref w->LostNotice, transport, seen);
            if (was == seen)
                break;
            seen = was;
        }
        TWdk.KeInsertQueueDpc(&w->Notice, null, null);
    }

    /// <summary>
    /// The notice DPC (DISPATCH_LEVEL, no lock of ours or the core's held): enables the receive events of a socket
    /// that got that far (then Ready, or closed if the core closed it meanwhile), then tells the core what the TCP
    /// connection did. Runs again for notices queued while it runs (on another CPU, possibly: the lock orders them).
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static void OnNotice(DeviceContext* ctx)
    {
        WskSocketState* w = &ctx->Wsk;
        byte irql = TWdk.ExAcquireSpinLockExclusive(&w->Lock);
        bool enable = w->Step == WskStep.EventsQueued && w->CloseRequested == 0;
        bool close = w->Step == WskStep.EventsQueued && w->CloseRequested != 0;
        if (enable)
            w->Step = WskStep.Enabling;
        else if (close)
            w->Step = WskStep.Closing;
        bool tcp = w->Current.Tcp != 0;
        uint transport = w->Current.Transport;
        PWSK_SOCKET socket = w->Socket;
        TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
        if (close)
            IssueClose(ctx);
        if (enable)
            EnableEvents(ctx, socket, tcp, transport);

        uint lostTransport = System.Threading.Interlocked.Exchange(ref w->LostNotice, 0);
        irql = TWdk.ExAcquireSpinLockExclusive(&w->Lock);
        NTSTATUS status = w->ConnectStatus;
        uint connectTransport = w->ConnectTransport;
        bool connected = connectTransport != 0;
        w->ConnectTransport = 0;
        // A loss is told once per connection, and only for the socket in use (a late send completion of an earlier one is not).
        bool lost = lostTransport != 0 && lostTransport == w->Current.Transport && w->Current.Tcp != 0 && w->Disconnected == 0;
        if (lost)
            w->Disconnected = 1;
        TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
        if (!connected && !lost || !TWdk.ExAcquireRundownProtection(&ctx->StateRundown))
            return;
        if (connected)
            Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.OnTransportConnected(ctx->State, (NtStatus)(int)status, connectTransport);
        if (lost)
            Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.OnTransportDisconnected(ctx->State, lostTransport);
        TWdk.ExReleaseRundownProtection(&ctx->StateRundown);
    }

    /// <summary>SO_WSK_EVENT_CALLBACK on (no IRP, completes at once); Ready, or Failed, or closed when a close came meanwhile. TCP: the connect's notice follows.</summary>
    private static void EnableEvents(DeviceContext* ctx, PWSK_SOCKET socket, bool tcp, uint transport)
    {
        WskSocketState* w = &ctx->Wsk;
        var status = SetReceiveEvents(w, socket, tcp, true);
        byte irql = TWdk.ExAcquireSpinLockExclusive(&w->Lock);
        if (w->CloseRequested != 0)
        {
            w->Step = WskStep.Closing;
            TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            IssueClose(ctx);
            return;
        }
        w->Step = (int)status < 0 ? WskStep.Failed : WskStep.Ready;
        if (tcp)
            RecordConnected(w, status, transport);
        TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
    }

    /// <summary>
    /// SO_WSK_EVENT_CALLBACK for the socket's receive events (WSK_EVENT_RECEIVE_FROM, or for TCP WSK_EVENT_RECEIVE and
    /// WSK_EVENT_DISCONNECT) on or off: it takes no IRP and completes at once.
    /// </summary>
    private static NTSTATUS SetReceiveEvents(WskSocketState* w, PWSK_SOCKET socket, bool tcp, bool on)
    {
        uint events = tcp ? WskConstants.WSK_EVENT_RECEIVE | WskConstants.WSK_EVENT_DISCONNECT : WskConstants.WSK_EVENT_RECEIVE_FROM;
        w->Events.EventMask = (ULONG)(on ? events : events | WskConstants.WSK_EVENT_DISABLE);
        return Basic(socket)->WskControlSocket(socket, WSK_CONTROL_SOCKET_TYPE.WskSetOption, (ULONG)WskConstants.SO_WSK_EVENT_CALLBACK,
            (ULONG)WskConstants.SOL_SOCKET, new SIZE_T { Value = sizeof(WSK_EVENT_CALLBACK_CONTROL) }, &w->Events, default, null, null, default);
    }

    private static void IssueClose(DeviceContext* ctx) => IssueClose(ctx, ctx->Wsk.Irp);

    private static void IssueClose(DeviceContext* ctx, PIRP irp)
    {
        WskSocketState* w = &ctx->Wsk;
        Prepare(ctx, irp);
        Basic(w->Socket)->WskCloseSocket(w->Socket, irp);
    }

    /// <summary>
    /// Closes the socket (DISPATCH_LEVEL, the core's lock held): events off and WskCloseSocket when it is ready or
    /// failed; a pending TCP connect is aborted (closed at once, on <see cref="WskSocketState.CloseIrp"/>); while
    /// another step is in flight, that step's completion closes. A queued open is dropped. Never waits:
    /// <see cref="WaitClosed"/> does. A TCP connection is closed abortively (WskCloseSocket resets it, as upstream
    /// does): a graceful WskDisconnect would make cleanup wait for the peer.
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static void Close(DeviceContext* ctx)
    {
        WskSocketState* w = &ctx->Wsk;
        // Exclusive: every send inside WskSendTo/WskSend (they hold the lock shared) has returned before the socket closes.
        byte irql = TWdk.ExAcquireSpinLockExclusive(&w->Lock);
        w->Queued.Valid = 0;
        WskStep step = w->Step;
        if (step == WskStep.Connecting && w->CloseRequested == 0)
        {
            // The connect may pend for tens of seconds (SYN retries): close now, on the second IRP; WSK cancels the connect.
            w->CloseRequested = 1;
            w->Step = WskStep.Closing;
            w->AbortPending = 3;
            TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            IssueClose(ctx, w->CloseIrp);
            return;
        }
        if (step == WskStep.Creating || step == WskStep.SettingV6Only || step == WskStep.Binding || step == WskStep.Connecting ||
            step == WskStep.EventsQueued || step == WskStep.Enabling)
        {
            w->CloseRequested = 1;
            TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            return;
        }
        if (step != WskStep.Ready && step != WskStep.Failed)
        {
            TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            return;
        }
        w->CloseRequested = 1;
        if (w->Socket.Value == 0)
        {
            w->Step = WskStep.None;
            TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            TWdk.ExReleaseRundownProtection(&w->Rundown);
            return;
        }
        w->Step = WskStep.Closing;
        TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
        if (step == WskStep.Ready)
            _ = SetReceiveEvents(w, w->Socket, w->Current.Tcp != 0, false);
        IssueClose(ctx);
    }

    /// <summary>
    /// File cleanup (PASSIVE_LEVEL, after the core closed the transport): waits until the close and every send in
    /// flight completed (the stack owned their buffers until then) and the notice DPC ran, then makes the socket
    /// openable again.
    /// </summary>
    [Irql(KIrql.Passive)]
    public static void WaitClosed(DeviceContext* ctx)
    {
        TWdk.ExWaitForRundownProtectionRelease(&ctx->Wsk.Rundown);
        // No socket and no send left, so no new notice: the ones queued run now, before the next handle's core exists.
        TWdk.KeFlushQueuedDpcs();
        TWdk.ExReInitializeRundownProtection(&ctx->Wsk.Rundown);
    }

    /// <summary>
    /// WskSendTo of <paramref name="length"/> bytes at <paramref name="data"/> (inside a transport buffer) to
    /// <paramref name="remote"/>, or, on a TCP socket, WskSend of them onto the stream (the core wrote the length
    /// prefix; the provider queues sends in the order they are made). The buffer passes to the platform whatever the
    /// result: released here when the send is not issued, by <see cref="OnSendComplete"/> when it is (WSK completes
    /// the IRP even when the call fails).
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static NtStatus Send(DeviceContext* ctx, SockAddrInet* remote, byte* data, int length)
    {
        TransportBuffer* b = TransportBuffers<TWdk>.Of(ctx, data);
        if (b == null)
            return NtStatus.InvalidParameter;
        WskSocketState* w = &ctx->Wsk;
        int remoteLength = remote->Length;
        byte irql = TWdk.ExAcquireSpinLockShared(&w->Lock);
        bool tcp = w->Current.Tcp != 0;
        if (w->Step != WskStep.Ready || !tcp && remoteLength == 0 || data + length > b->Data + TransportBuffers<TWdk>.DataSize ||
            !TWdk.ExAcquireRundownProtection(&w->Rundown))
        {
            TWdk.ExReleaseSpinLockShared(&w->Lock, irql);
            TransportBuffers<TWdk>.Release(ctx, data);
            return !tcp && remoteLength == 0 ? NtStatus.InvalidParameter : NtStatus.DeviceNotReady;
        }
        b->Context = ctx;
        b->Stream = tcp ? w->Current.Transport : 0;
        b->WskBuf.Mdl = b->Mdl;
        b->WskBuf.Offset = (ULONG)(uint)(data - b->Data);
        b->WskBuf.Length = (nuint)length;
        TWdk.IoReuseIrp(b->Irp, NTSTATUS.STATUS_UNSUCCESSFUL);
        TWdk.IoSetCompletionRoutine(b->Irp, w->SendComplete, b, true, true, true);
        NTSTATUS status;
        if (tcp)
        {
            status = Connection(w->Socket)->WskSend(w->Socket, &b->WskBuf, (ULONG)0, b->Irp);
        }
        else
        {
            new Span<byte>(&b->Remote, sizeof(SockAddrInet)).Clear();
            new ReadOnlySpan<byte>(remote, remoteLength).CopyTo(new Span<byte>(&b->Remote, remoteLength));
            status = Datagram(w->Socket)->WskSendTo(w->Socket, &b->WskBuf, (ULONG)0, new PSOCKADDR { Value = (nint)(&b->Remote) }, (ULONG)0, null, b->Irp);
        }
        TWdk.ExReleaseSpinLockShared(&w->Lock, irql);
        return (int)status < 0 ? (NtStatus)(int)status : NtStatus.Success;
    }

    /// <summary>
    /// A send's IRP completed (DISPATCH_LEVEL): the buffer goes back to the pool, the rundown reference ends. A TCP send
    /// that failed or went out short broke the stream: the core is told the connection is gone.
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static NTSTATUS OnSendComplete(TransportBuffer* b, PIRP irp)
    {
        DeviceContext* ctx = b->Context;
        IRP* r = (IRP*)irp.Value;
        bool failed = (int)r->IoStatus.Status < 0;
        uint stream = b->Stream;
        bool broken = stream != 0 && (failed || r->IoStatus.Information != b->WskBuf.Length);
        if (failed)
            System.Threading.Interlocked.Increment(ref ctx->Wsk.SendsFailed);
        else
            System.Threading.Interlocked.Increment(ref ctx->Wsk.SendsCompleted);
        TransportBuffers<TWdk>.Release(ctx, b->Data);
        if (broken)
            WskStream<TWdk, TKm>.Lost(ctx, stream);
        TWdk.ExReleaseRundownProtection(&ctx->Wsk.Rundown);
        return NTSTATUS.STATUS_MORE_PROCESSING_REQUIRED;
    }

    /// <summary>
    /// WskReceiveFromEvent (DISPATCH_LEVEL): each datagram of the list, mapped in place (or, spread over an MDL chain,
    /// copied into one pool buffer), to the core in batches of <see cref="BatchSize"/>; consumed (STATUS_SUCCESS: the
    /// indications are not retained). A null list (the socket closing) and a device with no open handle consume nothing.
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static NTSTATUS OnReceiveFrom(DeviceContext* ctx, WSK_DATAGRAM_INDICATION* list)
    {
        if (list == null || !TWdk.ExAcquireRundownProtection(&ctx->StateRundown))
            return NTSTATUS.STATUS_SUCCESS;
        DriverState* s = ctx->State;
        RxDatagram* batch = stackalloc RxDatagram[BatchSize];
        int n = 0;
        uint flattened = 0; // bit i: batch[i].Data is a pool copy, freed once the core has handled the batch
        for (WSK_DATAGRAM_INDICATION* d = list; d != null; d = d->Next)
        {
            var address = (SockAddrIn*)d->RemoteAddress.Value;
            int from = address == null ? 0 : SockAddr.LengthOf(address->Family);
            bool copy = !FitsFirstMdl(&d->Buffer);
            byte* data = from == 0 || d->Buffer.Length > (nuint)Proto.MaxWire ? null : copy ? Flatten(&d->Buffer) : Map(&d->Buffer);
            if (data == null)
            {
                System.Threading.Interlocked.Increment(ref ctx->Wsk.RxDropped);
                continue;
            }
            if (copy)
                flattened |= 1u << n;
            RxDatagram* x = batch + n;
            x->Data = data;
            x->Length = (int)d->Buffer.Length;
            new Span<byte>(&x->From, sizeof(SockAddrInet)).Clear();
            new ReadOnlySpan<byte>(address, from).CopyTo(new Span<byte>(&x->From, from));
            if (++n == BatchSize)
            {
                Deliver(s, batch, n, flattened);
                n = 0;
                flattened = 0;
            }
        }
        if (n > 0)
            Deliver(s, batch, n, flattened);
        TWdk.ExReleaseRundownProtection(&ctx->StateRundown);
        return NTSTATUS.STATUS_SUCCESS;
    }

    /// <summary>A batch to the core; then the pool copies among its datagrams (the bits of <paramref name="flattened"/>) are freed.</summary>
    private static void Deliver(DriverState* s, RxDatagram* batch, int n, uint flattened)
    {
        Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.OnTransportReceiveBatch(s, batch, n);
        for (int i = 0; i < n; i++)
        {
            if ((flattened & (1u << i)) != 0)
                TWdk.ExFreePoolWithTag(batch[i].Data, KernelTags.Buffer);
        }
    }

    /// <summary>Whether the datagram lies in its first MDL (what UDP indicates, unless the stack reassembled it).</summary>
    private static bool FitsFirstMdl(WSK_BUF* buffer)
    {
        MDL* mdl = (MDL*)buffer->Mdl.Value;
        return mdl == null || (nuint)(uint)buffer->Offset + buffer->Length <= (nuint)(uint)mdl->ByteCount;
    }

    /// <summary>The datagram's bytes where they lie: its first MDL mapped (the caller checked that it fits there).</summary>
    private static byte* Map(WSK_BUF* buffer)
    {
        MDL* mdl = (MDL*)buffer->Mdl.Value;
        byte* va = mdl == null ? null : WskBufPieces.Map<TWdk>(mdl);
        return va == null ? null : va + (uint)buffer->Offset;
    }

    /// <summary>
    /// A datagram spread over an MDL chain (a reassembled fragmented datagram, for one) copied into one non-paged pool
    /// buffer, which <see cref="Deliver"/> frees once the core has handled it. Null (dropped by the caller) when the
    /// pool is out of memory, a piece cannot be mapped or the chain is shorter than the datagram.
    /// </summary>
    private static byte* Flatten(WSK_BUF* buffer)
    {
        var flat = (byte*)TWdk.ExAllocatePool2(POOL_FLAGS.POOL_FLAG_NON_PAGED, buffer->Length, KernelTags.Buffer);
        if (flat == null)
            return null;
        var walk = WskBufPieces.Of(buffer);
        byte* to = flat;
        while (WskBufPieces.Next<TWdk>(ref walk, out byte* piece, out int length))
        {
            new ReadOnlySpan<byte>(piece, length).CopyTo(new Span<byte>(to, length));
            to += length;
        }
        if (walk.Left == 0)
            return flat;
        TWdk.ExFreePoolWithTag(flat, KernelTags.Buffer);
        return null;
    }
}
