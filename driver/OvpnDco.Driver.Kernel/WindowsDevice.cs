using System;
using OvpnDco.Driver.Binding;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// The device's request handling, generic over the WDK like the platform: ReadFile/WriteFile/DeviceIoControl from
/// the default (sequential) queue into the driver core, requests the core pends forwarded to their manual queue,
/// cancellation from those queues, file create/cleanup (the driver state lives from open to cleanup), the timer.
/// The WDF callbacks in <see cref="KernelEntry"/> are thin thunks over these.
/// </summary>
public static unsafe class WindowsDevice<TWdk, TKm>
    where TWdk : IWdk
    where TKm : IKmBackend
{
    private static void Complete(WDFREQUEST request, NtStatus status, int information) =>
        TWdk.WdfRequestCompleteWithInformation(request, (NTSTATUS)(int)status, (nuint)(information > 0 ? information : 0));

    /// <summary>EvtDeviceFileCreate: a fresh driver state for the new handle (the device is exclusive: one at a time).</summary>
    public static NtStatus OnFileCreate(DeviceContext* ctx)
    {
        if (ctx->State != null)
            return NtStatus.AccessDenied;
        var s = Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.Create((nint)ctx);
        if (s == null)
            return NtStatus.InsufficientResources;
        ctx->State = s;
        TWdk.ExReInitializeRundownProtection(&ctx->StateRundown);
        return NtStatus.Success;
    }

    /// <summary>Rundown protection of the state for one callback; false once cleanup has begun (or before open).</summary>
    private static bool Enter(DeviceContext* ctx) => TWdk.ExAcquireRundownProtection(&ctx->StateRundown);

    private static void Leave(DeviceContext* ctx) => TWdk.ExReleaseRundownProtection(&ctx->StateRundown);

    public static void OnRead(DeviceContext* ctx, WDFREQUEST request)
    {
        if (!Enter(ctx))
        {
            Complete(request, NtStatus.InvalidDeviceState, 0);
            return;
        }
        Read(ctx, request);
        Leave(ctx);
    }

    public static void OnWrite(DeviceContext* ctx, WDFREQUEST request)
    {
        if (!Enter(ctx))
        {
            Complete(request, NtStatus.InvalidDeviceState, 0);
            return;
        }
        Write(ctx, request);
        Leave(ctx);
    }

    public static void OnDeviceControl(DeviceContext* ctx, WDFREQUEST request, nuint outputLength, nuint inputLength, uint code, bool controlDevice)
    {
        if (!Enter(ctx))
        {
            Complete(request, NtStatus.InvalidDeviceState, 0);
            return;
        }
        DeviceControl(ctx, request, outputLength, inputLength, code, controlDevice);
        Leave(ctx);
    }

    /// <summary>EvtTimerFunc (DISPATCH_LEVEL).</summary>
    public static void OnTimer(DeviceContext* ctx)
    {
        if (!Enter(ctx))
            return;
        var s = ctx->State;
        if (s != null)
            Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.OnTimer(s);
        Leave(ctx);
    }

    /// <summary>
    /// EvtFileCleanup (PASSIVE_LEVEL): every request of the handle still waiting in a manual queue is taken back and
    /// completed Cancelled (the core forgets it first), then the state is unpublished, the timer stopped with a wait
    /// for a running callback, and the state destroyed (peers deleted, keys zeroed, sockets closed).
    /// </summary>
    public static void OnFileCleanup(DeviceContext* ctx, WDFFILEOBJECT fileObject)
    {
        // No callback uses the state after this (they fail to enter); the ones inside have left.
        TWdk.ExWaitForRundownProtectionRelease(&ctx->StateRundown);
        var s = ctx->State;
        WDFREQUEST r;
        while (TWdk.WdfIoQueueRetrieveRequestByFileObject(ctx->ReadQueue, fileObject, &r) == NTSTATUS.STATUS_SUCCESS)
        {
            if (s != null)
                _ = Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.CancelRead(s, r.Value);
            Complete(r, NtStatus.Cancelled, 0);
        }
        while (TWdk.WdfIoQueueRetrieveRequestByFileObject(ctx->NotifyQueue, fileObject, &r) == NTSTATUS.STATUS_SUCCESS)
        {
            if (s != null)
                Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.CancelPending(s, PendingKind.NotifyEvent);
            Complete(r, NtStatus.Cancelled, 0);
        }
        while (TWdk.WdfIoQueueRetrieveRequestByFileObject(ctx->NewPeerQueue, fileObject, &r) == NTSTATUS.STATUS_SUCCESS)
        {
            if (s != null)
                Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.CancelPending(s, PendingKind.NewPeer);
            Complete(r, NtStatus.Cancelled, 0);
        }
        if (s == null)
            return;
        ctx->State = null;
        _ = TWdk.WdfTimerStop(ctx->Timer, true);
        Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.Destroy(s);
        // Destroy closed the transport; its close and the sends in flight complete before the buffers can be reused.
        WskTransport<TWdk, TKm>.WaitClosed(ctx);
        ctx->EarlyRead.Valid = 0;
        ctx->EarlyNotify.Valid = 0;
        ctx->EarlyNewPeer.Valid = 0;
    }

    /// <summary>EvtIoRead: a control packet now, or the request waits in ReadQueue until one arrives.</summary>
    private static void Read(DeviceContext* ctx, WDFREQUEST request)
    {
        if (!TakeBuffer(ctx, request, output: true, out var s, out var buffer, out var length))
            return;
        // Anything kept before this request reached the core is stale (its request was cancelled or is gone).
        byte irql = TWdk.ExAcquireSpinLockExclusive(&ctx->RequestLock);
        ctx->EarlyRead.Valid = 0;
        TWdk.ExReleaseSpinLockExclusive(&ctx->RequestLock, irql);

        var status = Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.ReadControl(s, request.Value, new Span<byte>(buffer, length), out var read);
        if (status != NtStatus.Pending)
        {
            Complete(request, status, read);
            return;
        }
        irql = TWdk.ExAcquireSpinLockExclusive(&ctx->RequestLock);
        var forwarded = TWdk.WdfRequestForwardToIoQueue(request, ctx->ReadQueue);
        bool early = ctx->EarlyRead.Valid != 0 && ctx->EarlyRead.Request == request.Value;
        if (early)
        {
            // The core completed it before it reached the queue: take it back and complete it with that data.
            ctx->EarlyRead.Valid = 0;
            WDFREQUEST taken = request;
            if (forwarded == NTSTATUS.STATUS_SUCCESS && !WindowsPlatform<TWdk, TKm>.TakeFromQueue(ctx->ReadQueue, request.Value, out taken))
                taken = default; // cancelled in between: WDF hands it to EvtIoCanceledOnQueue
            if (taken.Value != 0)
                WindowsPlatform<TWdk, TKm>.CompleteWithData(taken, ctx->EarlyRead.Status, ctx->EarlyReadData, ctx->EarlyRead.Length);
        }
        TWdk.ExReleaseSpinLockExclusive(&ctx->RequestLock, irql);
        if (!early && forwarded != NTSTATUS.STATUS_SUCCESS)
        {
            // Could not queue it (the queue is purging): the core must forget it, then it fails.
            if (Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.CancelRead(s, request.Value))
                TWdk.WdfRequestCompleteWithInformation(request, forwarded, 0);
        }
    }

    /// <summary>EvtIoWrite: one control packet to send.</summary>
    private static void Write(DeviceContext* ctx, WDFREQUEST request)
    {
        if (!TakeBuffer(ctx, request, output: false, out var s, out var buffer, out var length))
            return;
        var status = Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.WriteControl(s, new ReadOnlySpan<byte>(buffer, length));
        Complete(request, status, status == NtStatus.Success ? length : 0);
    }

    /// <summary>
    /// The state and the request's buffer (its output buffer for a read, its input for a write), at most
    /// int.MaxValue bytes of it; when there is none the request is completed here and the result is false.
    /// </summary>
    private static bool TakeBuffer(DeviceContext* ctx, WDFREQUEST request, bool output, out DriverState* s, out void* buffer, out int length)
    {
        s = ctx->State;
        buffer = null;
        length = 0;
        if (s == null)
        {
            Complete(request, NtStatus.InvalidDeviceState, 0);
            return false;
        }
        void* b;
        nuint n;
        var got = output ? TWdk.WdfRequestRetrieveOutputBuffer(request, 1, &b, &n) : TWdk.WdfRequestRetrieveInputBuffer(request, 1, &b, &n);
        if (got != NTSTATUS.STATUS_SUCCESS)
        {
            TWdk.WdfRequestCompleteWithInformation(request, got, 0);
            return false;
        }
        buffer = b;
        length = ClampToInt(n);
        return true;
    }

    /// <summary>A request length as the core's span length: lengths past int.MaxValue are cut there.</summary>
    private static int ClampToInt(nuint length) => length > int.MaxValue ? int.MaxValue : (int)length;

    /// <summary>No IOCTL input struct comes near this; a larger input is refused before it is copied.</summary>
    public const int MaxIoctlInput = 4096;

    /// <summary>The kind of request a pending IOCTL is (NEW_PEER over TCP, NOTIFY_EVENT); -1 for the others.</summary>
    public static int PendingKindOf(uint code) =>
        code == OvpnIoctl.NotifyEvent ? (int)PendingKind.NotifyEvent : code == OvpnIoctl.NewPeer ? (int)PendingKind.NewPeer : -1;

    /// <summary>
    /// EvtIoDeviceControl (METHOD_BUFFERED: input and output share the system buffer, so the input is copied first).
    /// A request the core pends goes to its kind's manual queue.
    /// </summary>
    private static void DeviceControl(DeviceContext* ctx, WDFREQUEST request, nuint outputLength, nuint inputLength, uint code, bool controlDevice)
    {
        var s = ctx->State;
        if (s == null)
        {
            Complete(request, NtStatus.InvalidDeviceState, 0);
            return;
        }
        void* input = null;
        void* output = null;
        nuint inLen = 0, outLen = 0;
        if (inputLength > 0 && TWdk.WdfRequestRetrieveInputBuffer(request, inputLength, &input, &inLen) != NTSTATUS.STATUS_SUCCESS)
        {
            Complete(request, NtStatus.InvalidParameter, 0);
            return;
        }
        if (outputLength > 0 && TWdk.WdfRequestRetrieveOutputBuffer(request, outputLength, &output, &outLen) != NTSTATUS.STATUS_SUCCESS)
        {
            Complete(request, NtStatus.InvalidParameter, 0);
            return;
        }
        if (inLen > MaxIoctlInput)
        {
            Complete(request, NtStatus.InvalidBufferSize, 0);
            return;
        }
        int inBytes = (int)inLen;
        byte* copy = null;
        if (inBytes > 0)
        {
            copy = (byte*)WindowsPlatform<TWdk, TKm>.Alloc((nuint)inBytes, KernelTags.Buffer);
            if (copy == null)
            {
                Complete(request, NtStatus.InsufficientResources, 0);
                return;
            }
            new ReadOnlySpan<byte>(input, inBytes).CopyTo(new Span<byte>(copy, inBytes));
        }
        int kind = PendingKindOf(code);
        if (kind >= 0)
        {
            byte irql0 = TWdk.ExAcquireSpinLockExclusive(&ctx->RequestLock);
            DeviceQueues.EarlyOf(ctx, (PendingKind)kind)->Valid = 0;
            TWdk.ExReleaseSpinLockExclusive(&ctx->RequestLock, irql0);
        }
        var returned = 0;
        var status = Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.DeviceIoControl(s, code, new ReadOnlySpan<byte>(copy, inBytes),
            new Span<byte>(output, ClampToInt(outLen)), ref returned, controlDevice);
        WindowsPlatform<TWdk, TKm>.Free(copy, KernelTags.Buffer);
        if (status != NtStatus.Pending || kind < 0)
        {
            Complete(request, status == NtStatus.Pending ? NtStatus.Unsuccessful : status, returned);
            return;
        }
        var queue = DeviceQueues.QueueOf(ctx, (PendingKind)kind);
        var early = DeviceQueues.EarlyOf(ctx, (PendingKind)kind);
        byte irql = TWdk.ExAcquireSpinLockExclusive(&ctx->RequestLock);
        var forwarded = TWdk.WdfRequestForwardToIoQueue(request, queue);
        bool completedEarly = early->Valid != 0;
        if (completedEarly)
        {
            early->Valid = 0;
            WDFREQUEST taken = request;
            if (forwarded == NTSTATUS.STATUS_SUCCESS && TWdk.WdfIoQueueRetrieveNextRequest(queue, &taken) != NTSTATUS.STATUS_SUCCESS)
                taken = default;
            if (taken.Value != 0)
                WindowsPlatform<TWdk, TKm>.CompleteWithData(taken, early->Status, ctx->EarlyPendingData, early->Length);
        }
        TWdk.ExReleaseSpinLockExclusive(&ctx->RequestLock, irql);
        if (!completedEarly && forwarded != NTSTATUS.STATUS_SUCCESS)
        {
            Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.CancelPending(s, (PendingKind)kind);
            TWdk.WdfRequestCompleteWithInformation(request, forwarded, 0);
        }
    }

    /// <summary>
    /// EvtIoCanceledOnQueue: WDF took the request out of a manual queue (the caller cancelled it). The core forgets it
    /// (driver lock), then — request lock — if the core had completed it meanwhile, it gets that data; else Cancelled.
    /// </summary>
    public static void OnCanceledOnQueue(DeviceContext* ctx, WDFQUEUE queue, WDFREQUEST request)
    {
        bool entered = Enter(ctx);
        CanceledOnQueue(ctx, entered ? ctx->State : null, queue, request);
        if (entered)
            Leave(ctx);
    }

    private static void CanceledOnQueue(DeviceContext* ctx, DriverState* s, WDFQUEUE queue, WDFREQUEST request)
    {
        int kind = queue.Value == ctx->NotifyQueue.Value ? (int)PendingKind.NotifyEvent
            : queue.Value == ctx->NewPeerQueue.Value ? (int)PendingKind.NewPeer : -1;
        if (kind < 0)
        {
            if (s != null)
                _ = Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.CancelRead(s, request.Value);
            byte irql = TWdk.ExAcquireSpinLockExclusive(&ctx->RequestLock);
            if (ctx->EarlyRead.Valid != 0 && ctx->EarlyRead.Request == request.Value)
            {
                ctx->EarlyRead.Valid = 0;
                WindowsPlatform<TWdk, TKm>.CompleteWithData(request, ctx->EarlyRead.Status, ctx->EarlyReadData, ctx->EarlyRead.Length);
            }
            else
            {
                Complete(request, NtStatus.Cancelled, 0);
            }
            TWdk.ExReleaseSpinLockExclusive(&ctx->RequestLock, irql);
            return;
        }
        var early = DeviceQueues.EarlyOf(ctx, (PendingKind)kind);
        byte irql2 = TWdk.ExAcquireSpinLockExclusive(&ctx->RequestLock);
        bool completed = early->Valid != 0;
        if (completed)
        {
            early->Valid = 0;
            WindowsPlatform<TWdk, TKm>.CompleteWithData(request, early->Status, ctx->EarlyPendingData, early->Length);
        }
        TWdk.ExReleaseSpinLockExclusive(&ctx->RequestLock, irql2);
        if (completed)
            return;
        if (s != null)
            Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.CancelPending(s, (PendingKind)kind);
        Complete(request, NtStatus.Cancelled, 0);
    }
}
