using System;
using System.Runtime.CompilerServices;
using OvpnDco.Driver.Binding;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// The WSK transport (IPlatform.TransportOpen/Listen/Close/Send): one UDP datagram socket per device, created,
/// configured and bound by a chain of IRP completions because the core calls in at DISPATCH_LEVEL with its lock held
/// (<see cref="WskSocketState"/>). Receive is the WskReceiveFromEvent callback: the indication list goes to the core
/// as one batch and is consumed (STATUS_SUCCESS, nothing retained). Send is WskSendTo over the transport buffer's own
/// MDL and IRP (<see cref="TransportBuffers{TWdk}"/>); its completion returns the buffer. TCP is not written yet.
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
    /// Device add (PASSIVE_LEVEL): the socket IRP, the event table and completion routines (the caller's
    /// [UnmanagedCallersOnly] entry points), NPI_WSK_INTERFACE_ID for SO_WSK_EVENT_CALLBACK; -1 without memory.
    /// </summary>
    [Irql(KIrql.Passive)]
    public static int Init(DeviceContext* ctx,
        delegate* unmanaged[Stdcall]<void*, ULONG, WSK_DATAGRAM_INDICATION*, NTSTATUS> receiveFrom,
        delegate* unmanaged<PDEVICE_OBJECT, PIRP, void*, NTSTATUS> stepComplete,
        delegate* unmanaged<PDEVICE_OBJECT, PIRP, void*, NTSTATUS> sendComplete)
    {
        WskSocketState* w = &ctx->Wsk;
        w->DatagramEvents.WskReceiveFromEvent = receiveFrom;
        w->StepComplete = stepComplete;
        w->SendComplete = sendComplete;
        // NPI_WSK_INTERFACE_ID: wsk.h declares it extern (netio.lib defines it); its value is copied here.
        fixed (byte* id = NpiWskInterfaceId)
            Unsafe.CopyBlock(&w->NpiId, id, 16);
        w->Events.NpiId = &w->NpiId;
        TWdk.ExInitializeRundownProtection(&w->Rundown);
        w->Irp = TWdk.IoAllocateIrp(1, false);
        return w->Irp.Value == 0 ? -1 : 0;
    }

    /// <summary>Device cleanup (PASSIVE_LEVEL, no socket left: <see cref="WaitClosed"/> ran at the handle's cleanup).</summary>
    [Irql(KIrql.Passive)]
    public static void Destroy(DeviceContext* ctx)
    {
        if (ctx->Wsk.Irp.Value != 0)
            TWdk.IoFreeIrp(ctx->Wsk.Irp);
        ctx->Wsk.Irp = default;
    }

    /// <summary>
    /// Opens the UDP socket bound to <paramref name="local"/> (a wildcard of <paramref name="family"/>'s when unset).
    /// Returns at once: Success when the creation is under way (sends fail with DeviceNotReady until it is bound).
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static NtStatus Open(DeviceContext* ctx, SockAddrInet* local, WinAddressFamily family, bool ipv6Only)
    {
        WskSocketState* w = &ctx->Wsk;
        if (ctx->WskRegistered == 0 || w->Irp.Value == 0)
            return NtStatus.InvalidDeviceState;
        if (family != WinAddressFamily.Inet && family != WinAddressFamily.Inet6)
            return NtStatus.InvalidParameter;
        byte irql = TWdk.ExAcquireSpinLockExclusive(&w->Lock);
        if (w->Step != WskStep.None || !TWdk.ExAcquireRundownProtection(&w->Rundown))
        {
            TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            return NtStatus.InvalidDeviceState;
        }
        // The socket's own reference on the rundown, released when its close completes (or its creation failed and was closed).
        new Span<byte>(&w->Local, sizeof(SockAddrInet)).Clear();
        if (local != null && local->Family == family)
            w->Local = *local;
        else
            w->Local.Addr4.Family = family;
        w->Ipv6Only = ipv6Only && family == WinAddressFamily.Inet6 ? 1 : 0;
        w->CloseRequested = 0;
        w->Socket = default;
        w->Step = WskStep.Creating;
        TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);

        Prepare(ctx, w->Irp);
        var provider = ctx->WskProvider.Dispatch;
        provider->WskSocket(ctx->WskProvider.Client, (ushort)family, WskConstants.SOCK_DGRAM, (ULONG)WskConstants.IPPROTO_UDP,
            (ULONG)WskConstants.WSK_FLAG_DATAGRAM_SOCKET, ctx, new PCVOID { Value = (nint)(&w->DatagramEvents) }, default, default, null, w->Irp);
        return NtStatus.Success;
    }

    private static void Prepare(DeviceContext* ctx, PIRP irp)
    {
        TWdk.IoReuseIrp(irp, NTSTATUS.STATUS_UNSUCCESSFUL);
        TWdk.IoSetCompletionRoutine(irp, ctx->Wsk.StepComplete, ctx, true, true, true);
    }

    /// <summary>
    /// The socket IRP completed (DISPATCH_LEVEL, any CPU): the next step of the chain — create → (IPv6-only) → bind →
    /// events enabled, Ready — or the close it was asked for meanwhile, or the end of the close.
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static NTSTATUS OnStepComplete(DeviceContext* ctx, PIRP irp)
    {
        WskSocketState* w = &ctx->Wsk;
        IRP* r = (IRP*)irp.Value;
        bool ok = (int)r->IoStatus.Status >= 0;
        byte irql = TWdk.ExAcquireSpinLockExclusive(&w->Lock);
        WskStep step = w->Step;
        if (step == WskStep.Creating && ok)
            w->Socket = new PWSK_SOCKET { Value = (nint)r->IoStatus.Information };
        if (step == WskStep.Closing || (!ok || w->CloseRequested != 0) && w->Socket.Value == 0)
        {
            // The close completed, or nothing was created: the socket's rundown reference ends.
            w->Socket = default;
            w->Step = w->CloseRequested != 0 || step == WskStep.Closing ? WskStep.None : WskStep.Failed;
            bool end = w->Step == WskStep.None;
            TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            if (end)
                TWdk.ExReleaseRundownProtection(&w->Rundown);
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
            // The core closes the transport later (or file cleanup does): the socket stays until then.
            w->Step = WskStep.Failed;
            TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            return NTSTATUS.STATUS_MORE_PROCESSING_REQUIRED;
        }
        WskStep next = step == WskStep.Creating && w->Ipv6Only != 0 ? WskStep.SettingV6Only
            : step == WskStep.Creating || step == WskStep.SettingV6Only ? WskStep.Binding : WskStep.Ready;
        w->Step = next;
        PWSK_SOCKET socket = w->Socket;
        TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);

        var dispatch = (WSK_PROVIDER_DATAGRAM_DISPATCH*)((WSK_SOCKET*)socket.Value)->Dispatch;
        if (next == WskStep.SettingV6Only)
        {
            Prepare(ctx, irp);
            w->OptionValue = (ULONG)1;
            dispatch->WskControlSocket(socket, WSK_CONTROL_SOCKET_TYPE.WskSetOption, (ULONG)WskConstants.IPV6_V6ONLY, (ULONG)WskConstants.IPPROTO_IPV6,
                new SIZE_T { Value = sizeof(ULONG) }, &w->OptionValue, default, null, null, irp);
        }
        else if (next == WskStep.Binding)
        {
            Prepare(ctx, irp);
            dispatch->WskBind(socket, new PSOCKADDR { Value = (nint)(&w->Local) }, (ULONG)0, irp);
        }
        else
        {
            // Bound: enable WskReceiveFromEvent (SO_WSK_EVENT_CALLBACK takes no IRP and completes at once).
            w->Events.EventMask = (ULONG)WskConstants.WSK_EVENT_RECEIVE_FROM;
            var status = dispatch->WskControlSocket(socket, WSK_CONTROL_SOCKET_TYPE.WskSetOption, (ULONG)WskConstants.SO_WSK_EVENT_CALLBACK,
                (ULONG)WskConstants.SOL_SOCKET, new SIZE_T { Value = sizeof(WSK_EVENT_CALLBACK_CONTROL) }, &w->Events, default, null, null, default);
            if ((int)status < 0)
            {
                irql = TWdk.ExAcquireSpinLockExclusive(&w->Lock);
                if (w->Step == WskStep.Ready)
                    w->Step = WskStep.Failed;
                TWdk.ExReleaseSpinLockExclusive(&w->Lock, irql);
            }
        }
        return NTSTATUS.STATUS_MORE_PROCESSING_REQUIRED;
    }

    private static void IssueClose(DeviceContext* ctx)
    {
        WskSocketState* w = &ctx->Wsk;
        var dispatch = (WSK_PROVIDER_DATAGRAM_DISPATCH*)((WSK_SOCKET*)w->Socket.Value)->Dispatch;
        Prepare(ctx, w->Irp);
        dispatch->WskCloseSocket(w->Socket, w->Irp);
    }

    /// <summary>
    /// Closes the socket (DISPATCH_LEVEL, the core's lock held): events off and WskCloseSocket when it is bound or
    /// failed; while a step is in flight, that step's completion closes. Never waits: <see cref="WaitClosed"/> does.
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static void Close(DeviceContext* ctx)
    {
        WskSocketState* w = &ctx->Wsk;
        // Exclusive: every send inside WskSendTo (they hold the lock shared) has returned before the socket closes.
        byte irql = TWdk.ExAcquireSpinLockExclusive(&w->Lock);
        WskStep step = w->Step;
        if (step == WskStep.Creating || step == WskStep.SettingV6Only || step == WskStep.Binding)
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
        {
            var dispatch = (WSK_PROVIDER_DATAGRAM_DISPATCH*)((WSK_SOCKET*)w->Socket.Value)->Dispatch;
            w->Events.EventMask = (ULONG)(WskConstants.WSK_EVENT_RECEIVE_FROM | WskConstants.WSK_EVENT_DISABLE);
            _ = dispatch->WskControlSocket(w->Socket, WSK_CONTROL_SOCKET_TYPE.WskSetOption, (ULONG)WskConstants.SO_WSK_EVENT_CALLBACK,
                (ULONG)WskConstants.SOL_SOCKET, new SIZE_T { Value = sizeof(WSK_EVENT_CALLBACK_CONTROL) }, &w->Events, default, null, null, default);
        }
        IssueClose(ctx);
    }

    /// <summary>
    /// File cleanup (PASSIVE_LEVEL, after the core closed the transport): waits until the close and every send in
    /// flight completed (the stack owned their buffers until then), then makes the socket openable again.
    /// </summary>
    [Irql(KIrql.Passive)]
    public static void WaitClosed(DeviceContext* ctx)
    {
        TWdk.ExWaitForRundownProtectionRelease(&ctx->Wsk.Rundown);
        TWdk.ExReInitializeRundownProtection(&ctx->Wsk.Rundown);
    }

    /// <summary>
    /// WskSendTo of <paramref name="length"/> bytes at <paramref name="data"/> (inside a transport buffer) to
    /// <paramref name="remote"/>. The buffer passes to the platform whatever the result: released here when the send
    /// is not issued, by <see cref="OnSendComplete"/> when it is (WSK completes the IRP even when the call fails).
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
        if (w->Step != WskStep.Ready || remoteLength == 0 || data + length > b->Data + TransportBuffers<TWdk>.DataSize ||
            !TWdk.ExAcquireRundownProtection(&w->Rundown))
        {
            TWdk.ExReleaseSpinLockShared(&w->Lock, irql);
            TransportBuffers<TWdk>.Release(ctx, data);
            return remoteLength == 0 ? NtStatus.InvalidParameter : NtStatus.DeviceNotReady;
        }
        b->Context = ctx;
        new Span<byte>(&b->Remote, sizeof(SockAddrInet)).Clear();
        new ReadOnlySpan<byte>(remote, remoteLength).CopyTo(new Span<byte>(&b->Remote, remoteLength));
        b->WskBuf.Mdl = b->Mdl;
        b->WskBuf.Offset = (ULONG)(uint)(data - b->Data);
        b->WskBuf.Length = (nuint)length;
        TWdk.IoReuseIrp(b->Irp, NTSTATUS.STATUS_UNSUCCESSFUL);
        TWdk.IoSetCompletionRoutine(b->Irp, w->SendComplete, b, true, true, true);
        var dispatch = (WSK_PROVIDER_DATAGRAM_DISPATCH*)((WSK_SOCKET*)w->Socket.Value)->Dispatch;
        var status = dispatch->WskSendTo(w->Socket, &b->WskBuf, (ULONG)0, new PSOCKADDR { Value = (nint)(&b->Remote) }, (ULONG)0, null, b->Irp);
        TWdk.ExReleaseSpinLockShared(&w->Lock, irql);
        return (int)status < 0 ? (NtStatus)(int)status : NtStatus.Success;
    }

    /// <summary>A send's IRP completed (DISPATCH_LEVEL): the buffer goes back to the pool, the rundown reference ends.</summary>
    [Irql(KIrql.Dispatch)]
    public static NTSTATUS OnSendComplete(TransportBuffer* b, PIRP irp)
    {
        DeviceContext* ctx = b->Context;
        if ((int)((IRP*)irp.Value)->IoStatus.Status < 0)
            System.Threading.Interlocked.Increment(ref ctx->Wsk.SendsFailed);
        else
            System.Threading.Interlocked.Increment(ref ctx->Wsk.SendsCompleted);
        TransportBuffers<TWdk>.Release(ctx, b->Data);
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
            int from = address == null ? 0 : SockAddrLength((ushort)address->Family);
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

    private static int SockAddrLength(ushort family) =>
        family == WskConstants.AF_INET ? 16 : family == WskConstants.AF_INET6 ? 28 : 0;

    /// <summary>Whether the datagram lies in its first MDL (what UDP indicates, unless the stack reassembled it).</summary>
    private static bool FitsFirstMdl(WSK_BUF* buffer)
    {
        MDL* mdl = (MDL*)buffer->Mdl.Value;
        return mdl == null || (nuint)(uint)buffer->Offset + buffer->Length <= (nuint)(uint)mdl->ByteCount;
    }

    /// <summary>An MDL's pages mapped into system space, non-executable; null when the system cannot map them.</summary>
    private static byte* MapMdl(MDL* mdl) =>
        (byte*)TWdk.MmGetSystemAddressForMdlSafe(new PMDL { Value = (nint)mdl }, (ULONG)(MmConstants.NormalPagePriority | MmConstants.MdlMappingNoExecute));

    /// <summary>The datagram's bytes where they lie: its first MDL mapped (the caller checked that it fits there).</summary>
    private static byte* Map(WSK_BUF* buffer)
    {
        MDL* mdl = (MDL*)buffer->Mdl.Value;
        byte* va = mdl == null ? null : MapMdl(mdl);
        return va == null ? null : va + (uint)buffer->Offset;
    }

    /// <summary>
    /// A datagram spread over an MDL chain (a reassembled fragmented datagram, for one) copied into one non-paged pool
    /// buffer, which <see cref="Deliver"/> frees once the core has handled it. Null (dropped by the caller) when the
    /// pool is out of memory, a piece cannot be mapped or the chain is shorter than the datagram.
    /// </summary>
    private static byte* Flatten(WSK_BUF* buffer)
    {
        nuint length = buffer->Length;
        var flat = (byte*)TWdk.ExAllocatePool2(POOL_FLAGS.POOL_FLAG_NON_PAGED, length, KernelTags.Buffer);
        if (flat == null)
            return null;
        nuint copied = 0;
        nuint skip = (uint)buffer->Offset; // the offset may pass whole MDLs (headers the stack left in front)
        for (MDL* mdl = (MDL*)buffer->Mdl.Value; mdl != null && copied < length; mdl = mdl->Next)
        {
            nuint count = (uint)mdl->ByteCount;
            if (skip >= count)
            {
                skip -= count;
                continue;
            }
            byte* va = MapMdl(mdl);
            if (va == null)
                break;
            nuint piece = count - skip < length - copied ? count - skip : length - copied;
            new ReadOnlySpan<byte>(va + skip, (int)piece).CopyTo(new Span<byte>(flat + copied, (int)piece));
            copied += piece;
            skip = 0;
        }
        if (copied == length)
            return flat;
        TWdk.ExFreePoolWithTag(flat, KernelTags.Buffer);
        return null;
    }
}
