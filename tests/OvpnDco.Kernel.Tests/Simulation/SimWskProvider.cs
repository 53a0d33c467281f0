using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Kernel;
using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Kernel.Tests.Simulation;

/// <summary>A socket of the simulated provider (datagram or connection): what the driver asked of it.</summary>
public sealed unsafe class SimSocket
{
    public bool IsConnection => (Flags & WskConstants.WSK_FLAG_CONNECTION_SOCKET) != 0;
    public WSK_CLIENT_CONNECTION_DISPATCH* ConnectionEvents;
    public byte[]? ConnectedTo;

    /// <summary>The bytes WskSend put on the stream, in order.</summary>
    public readonly List<byte> Stream = new();
    public nint Handle;
    public ushort Family;
    public ushort Type;
    public uint Protocol;
    public uint Flags;
    public nint Context;
    public WSK_CLIENT_DATAGRAM_DISPATCH* Events;
    public byte[]? Bound;
    public uint? V6Only;
    public uint EnabledEvents;
    public bool Closed;
}

/// <summary>
/// The WSK provider simulated: its dispatch tables are real function pointers (the driver calls through them as it
/// calls the real provider), each request's IRP completed at once or, with <see cref="SimWskState.Defer"/>, later when
/// the test says. Requests are checked as the real provider would refuse them (unknown socket, use after close, an
/// IRP given to SO_WSK_EVENT_CALLBACK, a send out of its MDL); failures are recorded, never thrown through the
/// unmanaged frame. Completion routines and event callbacks are the tests' [UnmanagedCallersOnly] entry points
/// (<see cref="SimWskCallbacks"/>), invoked here as managed calls so a failed assertion inside the driver reaches
/// the test.
/// </summary>
public static unsafe class SimWskProvider
{
    public static readonly WSK_PROVIDER_DISPATCH* Dispatch = MakeProvider();
    public static readonly WSK_PROVIDER_DATAGRAM_DISPATCH* Datagram = MakeDatagram();
    public static readonly WSK_PROVIDER_CONNECTION_DISPATCH* Connection = MakeConnection();

    private static SimWskState W => SimWdk.S.Wsk;

    private static WSK_PROVIDER_DISPATCH* MakeProvider()
    {
        var d = (WSK_PROVIDER_DISPATCH*)NativeMemory.AllocZeroed((nuint)sizeof(WSK_PROVIDER_DISPATCH));
        d->Version = WskConstants.WskVersion1_0;
        d->WskSocket = &Socket;
        return d;
    }

    private static WSK_PROVIDER_DATAGRAM_DISPATCH* MakeDatagram()
    {
        var d = (WSK_PROVIDER_DATAGRAM_DISPATCH*)NativeMemory.AllocZeroed((nuint)sizeof(WSK_PROVIDER_DATAGRAM_DISPATCH));
        d->WskControlSocket = &ControlSocket;
        d->WskCloseSocket = &CloseSocket;
        d->WskBind = &Bind;
        d->WskSendTo = &SendTo;
        d->WskRelease = &Release;
        return d;
    }

    private static WSK_PROVIDER_CONNECTION_DISPATCH* MakeConnection()
    {
        var d = (WSK_PROVIDER_CONNECTION_DISPATCH*)NativeMemory.AllocZeroed((nuint)sizeof(WSK_PROVIDER_CONNECTION_DISPATCH));
        d->WskControlSocket = &ControlSocket;
        d->WskCloseSocket = &CloseSocket;
        d->WskBind = &Bind;
        d->WskConnect = &Connect;
        d->WskSend = &Send;
        d->WskDisconnect = &Disconnect;
        d->WskRelease = &ReleaseData;
        return d;
    }

    private const int StatusPending = 0x103;

    /// <summary>Completes now, or queues the completion (Defer); returns what the call returns.</summary>
    private static NTSTATUS Finish(PIRP irp, int status, nint information, nint socket = 0)
    {
        if (W.Defer)
        {
            W.Pending.Add((irp.Value, status, information));
            if (socket != 0)
                W.PendingOn[irp.Value] = socket;
            return (NTSTATUS)StatusPending;
        }
        Complete(irp.Value, status, information);
        return (NTSTATUS)status;
    }

    public static void Complete(nint irp, int status, nint information)
    {
        var r = (IRP*)irp;
        r->IoStatus.Status = (NTSTATUS)status;
        r->IoStatus.Information = (nuint)information;
        if (!W.Completions.TryGetValue(irp, out var c))
        {
            W.Errors.Add("an IRP completed without a completion routine");
            return;
        }
        var result = SimWskCallbacks.Invoke(c.Routine, irp, c.Context);
        if (result != NTSTATUS.STATUS_MORE_PROCESSING_REQUIRED)
            W.Errors.Add("the driver's own IRP must stay its own: STATUS_MORE_PROCESSING_REQUIRED");
    }

    private static SimSocket? Find(PWSK_SOCKET socket, string what)
    {
        foreach (var s in W.Sockets)
            if (s.Handle == socket.Value)
            {
                if (s.Closed)
                    W.Errors.Add($"{what} on a closed socket");
                return s;
            }
        W.Errors.Add($"{what} on an unknown socket");
        return null;
    }

    private static NTSTATUS Guard(Func<NTSTATUS> body)
    {
        try { return body(); }
        catch (Exception e) { W.Errors.Add(e.Message); return (NTSTATUS)unchecked((int)0xC0000001); }
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static NTSTATUS Socket(PWSK_CLIENT client, ushort family, ushort type, ULONG protocol, ULONG flags, void* socketContext,
        PCVOID dispatch, PEPROCESS process, PETHREAD thread, void* security, PIRP irp) => Guard(() =>
    {
        if (W.SocketStatus != 0)
            return Finish(irp, W.SocketStatus, 0);
        var h = (WSK_SOCKET*)NativeMemory.AllocZeroed((nuint)sizeof(WSK_SOCKET));
        bool connection = ((uint)flags & WskConstants.WSK_FLAG_CONNECTION_SOCKET) != 0;
        h->Dispatch = connection ? Connection : Datagram;
        if (connection != (type == WskConstants.SOCK_STREAM && (uint)protocol == WskConstants.IPPROTO_TCP))
            W.Errors.Add("a connection socket is SOCK_STREAM/IPPROTO_TCP, a datagram socket SOCK_DGRAM/IPPROTO_UDP");
        W.Sockets.Add(new SimSocket
        {
            Handle = (nint)h, Family = family, Type = type, Protocol = (uint)protocol, Flags = (uint)flags, Context = (nint)socketContext,
            Events = connection ? null : (WSK_CLIENT_DATAGRAM_DISPATCH*)dispatch.Value,
            ConnectionEvents = connection ? (WSK_CLIENT_CONNECTION_DISPATCH*)dispatch.Value : null,
        });
        return Finish(irp, 0, (nint)h);
    });

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static NTSTATUS ControlSocket(PWSK_SOCKET socket, WSK_CONTROL_SOCKET_TYPE type, ULONG code, ULONG level, SIZE_T inputSize, void* input,
        SIZE_T outputSize, void* output, SIZE_T* returned, PIRP irp) => Guard(() =>
    {
        var s = Find(socket, "WskControlSocket");
        if (s == null || type != WSK_CONTROL_SOCKET_TYPE.WskSetOption)
            return (NTSTATUS)unchecked((int)0xC000000D);
        if ((uint)code == WskConstants.SO_WSK_EVENT_CALLBACK && (uint)level == WskConstants.SOL_SOCKET)
        {
            if (irp.Value != 0)
                W.Errors.Add("SO_WSK_EVENT_CALLBACK takes no IRP");
            var c = (WSK_EVENT_CALLBACK_CONTROL*)input;
            var id = new ReadOnlySpan<byte>(c->NpiId, 16).ToArray();
            if (!id.AsSpan().SequenceEqual(NpiWskInterfaceId))
                W.Errors.Add("SO_WSK_EVENT_CALLBACK with an NpiId other than NPI_WSK_INTERFACE_ID");
            uint mask = (uint)c->EventMask;
            uint kinds = s.IsConnection ? WskConstants.WSK_EVENT_RECEIVE | WskConstants.WSK_EVENT_DISCONNECT : WskConstants.WSK_EVENT_RECEIVE_FROM;
            if ((mask & ~WskConstants.WSK_EVENT_DISABLE & ~kinds) != 0)
                W.Errors.Add($"SO_WSK_EVENT_CALLBACK with events the socket's kind does not raise ({mask:x})");
            if (s.IsConnection && s.ConnectedTo == null && (mask & WskConstants.WSK_EVENT_DISABLE) == 0)
                W.Errors.Add("receive events enabled before the connect completed");
            if (W.EventStatus != 0 && (mask & WskConstants.WSK_EVENT_DISABLE) == 0)
                return (NTSTATUS)W.EventStatus;
            if ((mask & WskConstants.WSK_EVENT_DISABLE) != 0)
                s.EnabledEvents &= ~(mask & ~WskConstants.WSK_EVENT_DISABLE);
            else
                s.EnabledEvents |= mask;
            return NTSTATUS.STATUS_SUCCESS;
        }
        if ((uint)code == WskConstants.IPV6_V6ONLY && (uint)level == WskConstants.IPPROTO_IPV6)
        {
            if (s.Bound != null)
                W.Errors.Add("IPV6_V6ONLY after the bind");
            s.V6Only = *(uint*)input;
            return Finish(irp, 0, 0);
        }
        W.Errors.Add($"unexpected option {(uint)code}");
        return Finish(irp, unchecked((int)0xC00000BB), 0);
    });

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static NTSTATUS Bind(PWSK_SOCKET socket, PSOCKADDR address, ULONG flags, PIRP irp) => Guard(() =>
    {
        var s = Find(socket, "WskBind");
        if (s == null)
            return (NTSTATUS)unchecked((int)0xC000000D);
        var family = *(ushort*)address.Value;
        s.Bound = new ReadOnlySpan<byte>((void*)address.Value, family == WskConstants.AF_INET6 ? 28 : 16).ToArray();
        if (family != s.Family)
            W.Errors.Add("bound to an address of another family than the socket's");
        return Finish(irp, W.BindStatus, 0);
    });

    /// <summary>The bytes a send's WSK_BUF describes; null (and recorded) when its MDL is not one the driver allocated and built.</summary>
    private static byte[]? BytesOf(WSK_BUF* buffer, string what)
    {
        if (!W.Mdls.TryGetValue(buffer->Mdl.Value, out var mdl) || !mdl.Built)
        {
            W.Errors.Add($"{what} over an MDL not allocated and built");
            return null;
        }
        if ((long)(uint)buffer->Offset + (long)buffer->Length > mdl.Length)
            W.Errors.Add($"{what} past its MDL");
        return new ReadOnlySpan<byte>((byte*)mdl.Address + (uint)buffer->Offset, (int)buffer->Length).ToArray();
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static NTSTATUS SendTo(PWSK_SOCKET socket, WSK_BUF* buffer, ULONG flags, PSOCKADDR remote, ULONG controlLength, CMSGHDR* control, PIRP irp) => Guard(() =>
    {
        W.SendAttempts++;
        var s = Find(socket, "WskSendTo");
        if (s?.Bound == null)
            W.Errors.Add("WskSendTo before the bind");
        var data = BytesOf(buffer, "WskSendTo");
        if (data == null)
            return Finish(irp, unchecked((int)0xC000000D), 0);
        var family = *(ushort*)remote.Value;
        var to = new ReadOnlySpan<byte>((void*)remote.Value, family == WskConstants.AF_INET6 ? 28 : 16).ToArray();
        if (W.FailSendAt == W.SendAttempts)
            return Finish(irp, unchecked((int)0xC000023C), 0); // STATUS_NETWORK_UNREACHABLE
        W.Sent.Add((data, to));
        return Finish(irp, 0, (nint)buffer->Length);
    });

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static NTSTATUS Connect(PWSK_SOCKET socket, PSOCKADDR remote, ULONG flags, PIRP irp) => Guard(() =>
    {
        var s = Find(socket, "WskConnect");
        if (s == null)
            return (NTSTATUS)unchecked((int)0xC000000D);
        if (s.Bound == null)
            W.Errors.Add("WskConnect before the bind");
        var family = *(ushort*)remote.Value;
        if (family != s.Family)
            W.Errors.Add("connected to an address of another family than the socket's");
        if (W.ConnectStatus == 0)
            s.ConnectedTo = new ReadOnlySpan<byte>((void*)remote.Value, family == WskConstants.AF_INET6 ? 28 : 16).ToArray();
        W.Connects++;
        return Finish(irp, W.ConnectStatus, 0, socket.Value);
    });

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static NTSTATUS Send(PWSK_SOCKET socket, WSK_BUF* buffer, ULONG flags, PIRP irp) => Guard(() =>
    {
        W.SendAttempts++;
        var s = Find(socket, "WskSend");
        if (s?.ConnectedTo == null)
            W.Errors.Add("WskSend on a socket not connected");
        var data = BytesOf(buffer, "WskSend");
        if (data == null)
            return Finish(irp, unchecked((int)0xC000000D), 0);
        if (W.FailSendAt == W.SendAttempts)
            return Finish(irp, unchecked((int)0xC0000241), 0); // STATUS_CONNECTION_ABORTED
        if (W.ShortSendAt == W.SendAttempts)
        {
            s?.Stream.AddRange(data[..(data.Length / 2)]);
            return Finish(irp, 0, data.Length / 2);
        }
        s?.Stream.AddRange(data);
        W.Sent.Add((data, s?.ConnectedTo ?? Array.Empty<byte>()));
        return Finish(irp, 0, (nint)buffer->Length);
    });

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static NTSTATUS Disconnect(PWSK_SOCKET socket, WSK_BUF* buffer, ULONG flags, PIRP irp) => Guard(() =>
    {
        W.Errors.Add("WskDisconnect: the transport closes abortively with WskCloseSocket");
        return Finish(irp, 0, 0);
    });

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static NTSTATUS ReleaseData(PWSK_SOCKET socket, WSK_DATA_INDICATION* list) => Guard(() =>
    {
        W.Errors.Add("WskRelease: the driver retains no indication");
        return NTSTATUS.STATUS_SUCCESS;
    });

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static NTSTATUS CloseSocket(PWSK_SOCKET socket, PIRP irp) => Guard(() =>
    {
        var s = Find(socket, "WskCloseSocket");
        if (s != null)
            s.Closed = true;
        W.Closes++;
        // WskCloseSocket cancels and completes the requests still pending on the socket.
        for (int i = W.Pending.Count - 1; i >= 0; i--)
        {
            var (pendingIrp, _, _) = W.Pending[i];
            if (W.PendingOn.TryGetValue(pendingIrp, out var on) && on == socket.Value)
            {
                if (pendingIrp == irp.Value)
                    W.Errors.Add("the close reuses the IRP of a request still pending");
                W.Pending.RemoveAt(i);
                W.PendingOn.Remove(pendingIrp);
                W.Cancelled++;
                Complete(pendingIrp, unchecked((int)0xC0000120), 0); // STATUS_CANCELLED
            }
        }
        return Finish(irp, 0, 0);
    });

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static NTSTATUS Release(PWSK_SOCKET socket, WSK_DATAGRAM_INDICATION* list) => Guard(() =>
    {
        W.Errors.Add("WskRelease: the driver retains no indication");
        return NTSTATUS.STATUS_SUCCESS;
    });

    /// <summary>NPI_WSK_INTERFACE_ID as the GUID's bytes ({2227E803-8D8B-11D4-ABAD-009027719E09}).</summary>
    public static readonly byte[] NpiWskInterfaceId = new Guid("2227E803-8D8B-11D4-ABAD-009027719E09").ToByteArray();

    /// <summary>
    /// The stack indicates datagrams on <paramref name="s"/>: a list of WSK_DATAGRAM_INDICATIONs, each over its own MDL
    /// at an offset (as the stack leaves headers in front), given to the socket's WskReceiveFromEvent. Returns its status.
    /// </summary>
    public static NTSTATUS Indicate(SimSocket s, params (byte[] Data, SockAddrInet From)[] datagrams) =>
        IndicateChained(s, 1, datagrams);

    /// <summary>
    /// As <see cref="Indicate"/>, each datagram spread over a chain of <paramref name="pieces"/> MDLs (as the stack
    /// indicates a datagram it reassembled from fragments): the first MDL holds headers in front of the first piece.
    /// </summary>
    public static NTSTATUS IndicateChained(SimSocket s, int pieces, params (byte[] Data, SockAddrInet From)[] datagrams)
    {
        if ((s.EnabledEvents & WskConstants.WSK_EVENT_RECEIVE_FROM) == 0 || s.Closed)
            throw new InvalidOperationException("the provider indicates only on an open socket with WSK_EVENT_RECEIVE_FROM enabled");
        const int headroom = 8;
        var indications = (WSK_DATAGRAM_INDICATION*)NativeMemory.AllocZeroed((nuint)(datagrams.Length * sizeof(WSK_DATAGRAM_INDICATION)));
        using var indicated = new SimIndicatedMemory();
        indicated.Natives.Add((nint)indications);
        for (int i = 0; i < datagrams.Length; i++)
        {
            var (data, from) = datagrams[i];
            MDL* first = indicated.Chain(data, pieces, headroom);
            var address = (SockAddrInet*)NativeMemory.AllocZeroed((nuint)sizeof(SockAddrInet));
            *address = from;
            indicated.Natives.Add((nint)address);
            indications[i].Buffer.Mdl = new PMDL { Value = (nint)first };
            indications[i].Buffer.Offset = (ULONG)headroom;
            indications[i].Buffer.Length = (nuint)data.Length;
            indications[i].RemoteAddress = new PSOCKADDR { Value = (nint)address };
            indications[i].Next = i + 1 < datagrams.Length ? &indications[i + 1] : null;
        }
        var status = SimWskCallbacks.InvokeReceiveFrom((nint)s.Events->WskReceiveFromEvent, s.Context, datagrams.Length == 0 ? null : indications);
        W.RunDpcs();
        // Consumed (STATUS_SUCCESS): the stack reclaims the indications at once (disposing `indicated`).
        return status;
    }
}

/// <summary>
/// What the stack allocates for one indication call: buffers laid out as it indicates them (an MDL chain, headers in
/// front of the first piece), registered as built MDLs; all freed on dispose, when the call returned (nothing retained).
/// </summary>
public sealed unsafe class SimIndicatedMemory : IDisposable
{
    public readonly List<nint> Natives = new();
    private readonly List<nint> _mdls = new();

    /// <summary><paramref name="data"/> over a chain of <paramref name="pieces"/> MDLs, <paramref name="headroom"/> bytes in front of the first.</summary>
    public MDL* Chain(byte[] data, int pieces, int headroom)
    {
        MDL* first = null, last = null;
        for (int p = 0, start = 0; p < pieces; p++)
        {
            int end = data.Length * (p + 1) / pieces;
            int front = p == 0 ? headroom : 0;
            var bytes = (byte*)NativeMemory.AllocZeroed((nuint)(end - start + front + 1));
            data.AsSpan(start, end - start).CopyTo(new Span<byte>(bytes + front, end - start));
            var mdl = (MDL*)NativeMemory.AllocZeroed((nuint)sizeof(MDL));
            mdl->ByteCount = (ULONG)(uint)(end - start + front);
            SimWdk.S.Wsk.Mdls[(nint)mdl] = new SimMdl((nint)bytes, end - start + front) { Built = true };
            Natives.Add((nint)bytes);
            _mdls.Add((nint)mdl);
            if (first == null)
                first = mdl;
            else
                last->Next = mdl;
            last = mdl;
            start = end;
        }
        return first;
    }

    public void Dispose()
    {
        foreach (var mdl in _mdls)
        {
            SimWdk.S.Wsk.Mdls.Remove(mdl);
            NativeMemory.Free((void*)mdl);
        }
        foreach (var p in Natives)
            NativeMemory.Free((void*)p);
    }
}

/// <summary>The stack on a simulated connection socket: stream bytes, the peer's disconnect.</summary>
public static unsafe class SimWskStream
{
    private static SimWskState W => SimWdk.S.Wsk;

    /// <summary>
    /// The stack indicates stream bytes: one WSK_DATA_INDICATION per element of <paramref name="indications"/>, each
    /// over a chain of MDLs cut where <paramref name="pieces"/> says (the first MDL with headers in front), all in one
    /// WskReceiveEvent. Null <paramref name="indications"/>: the socket no longer works.
    /// </summary>
    public static NTSTATUS Indicate(SimSocket s, byte[][]? indications, int pieces = 1)
    {
        if ((s.EnabledEvents & WskConstants.WSK_EVENT_RECEIVE) == 0 || s.Closed)
            throw new InvalidOperationException("the provider indicates only on an open socket with WSK_EVENT_RECEIVE enabled");
        const int headroom = 6;
        int count = indications?.Length ?? 0;
        var list = (WSK_DATA_INDICATION*)NativeMemory.AllocZeroed((nuint)(Math.Max(count, 1) * sizeof(WSK_DATA_INDICATION)));
        using var indicated = new SimIndicatedMemory();
        indicated.Natives.Add((nint)list);
        nuint total = 0;
        for (int i = 0; i < count; i++)
        {
            var data = indications![i];
            MDL* first = indicated.Chain(data, Math.Max(1, Math.Min(pieces, data.Length)), headroom);
            list[i].Buffer.Mdl = new PMDL { Value = (nint)first };
            list[i].Buffer.Offset = (ULONG)headroom;
            list[i].Buffer.Length = (nuint)data.Length;
            list[i].Next = i + 1 < count ? &list[i + 1] : null;
            total += (nuint)data.Length;
        }
        var accepted = new SIZE_T { Value = 0xdead };
        var status = SimWskCallbacks.InvokeReceive((nint)s.ConnectionEvents->WskReceiveEvent, s.Context, indications == null ? null : list,
            new SIZE_T { Value = (nint)total }, &accepted);
        W.RunDpcs();
        if (status != NTSTATUS.STATUS_SUCCESS || accepted.Value != 0xdead)
            W.Errors.Add("WskReceiveEvent: everything is consumed (STATUS_SUCCESS), BytesAccepted untouched");
        return status;
    }

    /// <summary>The peer closed (or, <paramref name="abortive"/>, reset) the connection: WskDisconnectEvent.</summary>
    public static NTSTATUS PeerDisconnects(SimSocket s, bool abortive = false)
    {
        if ((s.EnabledEvents & WskConstants.WSK_EVENT_DISCONNECT) == 0 || s.Closed)
            throw new InvalidOperationException("the provider raises WskDisconnectEvent only on an open socket with WSK_EVENT_DISCONNECT enabled");
        var status = SimWskCallbacks.InvokeDisconnect((nint)s.ConnectionEvents->WskDisconnectEvent, s.Context, abortive ? WskConstants.WSK_FLAG_ABORTIVE : 0);
        W.RunDpcs();
        return status;
    }
}

/// <summary>
/// The tests' WSK entry points (as KernelWsk is the kernel's): [UnmanagedCallersOnly] so their addresses are what the
/// driver stores, forwarded to <see cref="WskTransport{TWdk, TKm}"/> on the simulation. The simulated provider calls
/// them through <see cref="Invoke"/> as managed calls (an assertion failing inside the driver reaches the test).
/// </summary>
public static unsafe class SimWskCallbacks
{
    public static int Init(DeviceContext* ctx)
    {
        WskCallbacks callbacks;
        callbacks.ReceiveFrom = &OnReceiveFrom;
        callbacks.Receive = &OnReceive;
        callbacks.Disconnect = &OnDisconnect;
        callbacks.StepComplete = &OnStepComplete;
        callbacks.SendComplete = &OnSendComplete;
        callbacks.Notice = &OnNotice;
        return WskTransport<SimWdk, SimKm>.Init(ctx, &callbacks);
    }

    [UnmanagedCallersOnly]
    private static void OnNotice(KDPC* dpc, void* context, void* argument1, void* argument2) => WskTransport<SimWdk, SimKm>.OnNotice((DeviceContext*)context);

    public static void InvokeDpc(nint routine, nint dpc, nint context)
    {
        if (routine != (nint)(delegate* unmanaged<KDPC*, void*, void*, void*, void>)&OnNotice)
            throw new InvalidOperationException("a DPC that is not the transport's notice");
        WskTransport<SimWdk, SimKm>.OnNotice((DeviceContext*)context);
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static NTSTATUS OnReceiveFrom(void* socketContext, ULONG flags, WSK_DATAGRAM_INDICATION* list) =>
        WskTransport<SimWdk, SimKm>.OnReceiveFrom((DeviceContext*)socketContext, list);

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static NTSTATUS OnReceive(void* socketContext, ULONG flags, WSK_DATA_INDICATION* list, SIZE_T indicated, SIZE_T* accepted) =>
        WskStream<SimWdk, SimKm>.OnReceive((DeviceContext*)socketContext, list);

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static NTSTATUS OnDisconnect(void* socketContext, ULONG flags) => WskStream<SimWdk, SimKm>.OnDisconnect((DeviceContext*)socketContext);

    [UnmanagedCallersOnly]
    private static NTSTATUS OnStepComplete(PDEVICE_OBJECT device, PIRP irp, void* context) =>
        WskTransport<SimWdk, SimKm>.OnStepComplete((DeviceContext*)context, irp);

    [UnmanagedCallersOnly]
    private static NTSTATUS OnSendComplete(PDEVICE_OBJECT device, PIRP irp, void* context) =>
        WskTransport<SimWdk, SimKm>.OnSendComplete((TransportBuffer*)context, irp);

    public static NTSTATUS Invoke(nint routine, nint irp, nint context)
    {
        if (routine == (nint)(delegate* unmanaged<PDEVICE_OBJECT, PIRP, void*, NTSTATUS>)&OnStepComplete)
            return WskTransport<SimWdk, SimKm>.OnStepComplete((DeviceContext*)context, new PIRP { Value = irp });
        if (routine == (nint)(delegate* unmanaged<PDEVICE_OBJECT, PIRP, void*, NTSTATUS>)&OnSendComplete)
            return WskTransport<SimWdk, SimKm>.OnSendComplete((TransportBuffer*)context, new PIRP { Value = irp });
        throw new InvalidOperationException("a completion routine that is not the transport's");
    }

    public static NTSTATUS InvokeReceive(nint routine, nint socketContext, WSK_DATA_INDICATION* list, SIZE_T indicated, SIZE_T* accepted)
    {
        if (routine != (nint)(delegate* unmanaged[Stdcall]<void*, ULONG, WSK_DATA_INDICATION*, SIZE_T, SIZE_T*, NTSTATUS>)&OnReceive)
            throw new InvalidOperationException("the socket's WskReceiveEvent is not the transport's");
        return WskStream<SimWdk, SimKm>.OnReceive((DeviceContext*)socketContext, list);
    }

    public static NTSTATUS InvokeDisconnect(nint routine, nint socketContext, uint flags)
    {
        if (routine != (nint)(delegate* unmanaged[Stdcall]<void*, ULONG, NTSTATUS>)&OnDisconnect)
            throw new InvalidOperationException("the socket's WskDisconnectEvent is not the transport's");
        return WskStream<SimWdk, SimKm>.OnDisconnect((DeviceContext*)socketContext);
    }

    public static NTSTATUS InvokeReceiveFrom(nint routine, nint socketContext, WSK_DATAGRAM_INDICATION* list)
    {
        if (routine != (nint)(delegate* unmanaged[Stdcall]<void*, ULONG, WSK_DATAGRAM_INDICATION*, NTSTATUS>)&OnReceiveFrom)
            throw new InvalidOperationException("the socket's WskReceiveFromEvent is not the transport's");
        return WskTransport<SimWdk, SimKm>.OnReceiveFrom((DeviceContext*)socketContext, list);
    }
}
