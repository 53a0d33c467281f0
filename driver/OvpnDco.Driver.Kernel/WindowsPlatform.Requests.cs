using System;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// Completion of the requests the driver pended: control reads wait in ReadQueue, NOTIFY_EVENT in NotifyQueue, the
/// TCP NEW_PEER in NewPeerQueue (manual queues: WDF cancels what waits there, see <see cref="WindowsDevice{TWdk}"/>).
/// The driver calls these with its lock held; they take the request lock after it (the one lock order).
/// </summary>
public unsafe partial struct WindowsPlatform<TWdk, TKm>
{
    public static void CompleteRead(nint context, nint request, int status, byte* data, int length)
    {
        var ctx = (DeviceContext*)context;
        byte irql = TWdk.ExAcquireSpinLockExclusive(&ctx->RequestLock);
        if (TakeFromQueue(ctx->ReadQueue, request, out var taken))
            CompleteWithData(taken, status, data, length);
        else
            Keep(&ctx->EarlyRead, ctx->EarlyReadData, request, status, data, length);
        TWdk.ExReleaseSpinLockExclusive(&ctx->RequestLock, irql);
    }

    public static void CompletePending(nint context, int kind, int status, byte* output, int length)
    {
        var ctx = (DeviceContext*)context;
        byte irql = TWdk.ExAcquireSpinLockExclusive(&ctx->RequestLock);
        WDFREQUEST next;
        if (TWdk.WdfIoQueueRetrieveNextRequest(DeviceQueues.QueueOf(ctx, (PendingKind)kind), &next) == NTSTATUS.STATUS_SUCCESS)
            CompleteWithData(next, status, output, length);
        else
            Keep(DeviceQueues.EarlyOf(ctx, (PendingKind)kind), ctx->EarlyPendingData, 0, status, output, length);
        TWdk.ExReleaseSpinLockExclusive(&ctx->RequestLock, irql);
    }

    /// <summary>
    /// Removes <paramref name="request"/> from a manual queue if it is still there: WdfIoQueueFindRequest from the
    /// head (each find takes a reference, released after), then WdfIoQueueRetrieveFoundRequest. False when it is not
    /// (cancelled meanwhile, or not forwarded yet).
    /// </summary>
    public static bool TakeFromQueue(WDFQUEUE queue, nint request, out WDFREQUEST taken)
    {
        taken = default;
        WDFREQUEST previous = default;
        for (;;)
        {
            WDFREQUEST next;
            var status = TWdk.WdfIoQueueFindRequest(queue, previous, default, null, &next);
            if (previous.Value != 0)
                TWdk.WdfObjectDereference(previous);
            if (status != NTSTATUS.STATUS_SUCCESS)
                return false;
            if (next.Value == request)
            {
                WDFREQUEST out_;
                status = TWdk.WdfIoQueueRetrieveFoundRequest(queue, next, &out_);
                TWdk.WdfObjectDereference(next);
                if (status != NTSTATUS.STATUS_SUCCESS)
                    return false;
                taken = out_;
                return true;
            }
            previous = next;
        }
    }

    /// <summary>Copies <paramref name="data"/> into the request's output buffer and completes it with the length.</summary>
    public static void CompleteWithData(WDFREQUEST request, int status, byte* data, int length)
    {
        if (length > 0)
        {
            void* buffer;
            nuint capacity;
            var got = TWdk.WdfRequestRetrieveOutputBuffer(request, (nuint)length, &buffer, &capacity);
            if (got != NTSTATUS.STATUS_SUCCESS)
            {
                TWdk.WdfRequestCompleteWithInformation(request, got, 0);
                return;
            }
            new ReadOnlySpan<byte>(data, length).CopyTo(new Span<byte>(buffer, length));
        }
        TWdk.WdfRequestCompleteWithInformation(request, (NTSTATUS)status, (nuint)(length > 0 ? length : 0));
    }

    private static void Keep(EarlyCompletion* early, byte* store, nint request, int status, byte* data, int length)
    {
        early->Request = request;
        early->Status = status;
        early->Length = length > 0 && length <= Proto.MaxWire ? length : 0;
        early->Valid = 1;
        if (early->Length > 0)
            new ReadOnlySpan<byte>(data, early->Length).CopyTo(new Span<byte>(store, early->Length));
    }
}
