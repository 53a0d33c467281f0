using System;
using OvpnDco.Driver.Binding;
using OvpnDco.Runtime;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// The receive side of the P2P TCP connection socket: WskReceiveEvent hands each indicated MDL piece, mapped in place,
/// to the core's stream reassembly (the core frames it: 2-byte length, then the packet) and consumes it all
/// (STATUS_SUCCESS, nothing retained); WskDisconnectEvent and a null indication (the socket no longer works) tell the
/// core the connection is gone (through the notice DPC), which completes a read with STATUS_CONNECTION_ABORTED so
/// OpenVPN reconnects. WSK
/// indicates a connection's receive events one at a time, which is what the core's reassembly state needs; and it
/// does not complete WskCloseSocket while one of them runs, so <see cref="WskSocketState.Current"/> is the socket's
/// own during an event.
/// </summary>
public static unsafe class WskStream<TWdk, TKm>
    where TWdk : IWdk
    where TKm : IKmBackend
{
    /// <summary>
    /// WskReceiveEvent (IRQL ≤ DISPATCH_LEVEL). A piece that cannot be mapped would leave a hole in the stream, after
    /// which no frame boundary can be trusted: the connection is reported lost and the rest of its bytes are ignored.
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static NTSTATUS OnReceive(DeviceContext* ctx, WSK_DATA_INDICATION* list)
    {
        if (!TWdk.ExAcquireRundownProtection(&ctx->StateRundown))
            return NTSTATUS.STATUS_SUCCESS;
        WskSocketState* w = &ctx->Wsk;
        uint transport = w->Current.Transport;
        if (list == null)
        {
            Lost(ctx, transport);
        }
        else if (System.Threading.Volatile.Read(ref w->StreamBroken) == 0)
        {
            for (WSK_DATA_INDICATION* d = list; d != null; d = d->Next)
            {
                if (!Deliver(ctx->State, &d->Buffer, transport))
                {
                    System.Threading.Volatile.Write(ref w->StreamBroken, 1);
                    System.Threading.Interlocked.Increment(ref w->RxDropped);
                    Lost(ctx, transport);
                    break;
                }
            }
        }
        TWdk.ExReleaseRundownProtection(&ctx->StateRundown);
        return NTSTATUS.STATUS_SUCCESS;
    }

    /// <summary>The bytes of one indication, piece by piece, to the core; false when a piece cannot be mapped.</summary>
    private static bool Deliver(DriverState* s, WSK_BUF* buffer, uint transport)
    {
        var walk = WskBufPieces.Of(buffer);
        while (WskBufPieces.Next<TWdk>(ref walk, out byte* piece, out int length))
            Driver<BoundPlatform<WindowsPlatform<TWdk, TKm>>>.OnTransportStream(s, new ReadOnlySpan<byte>(piece, length), transport);
        return walk.Left == 0;
    }

    /// <summary>WskDisconnectEvent (IRQL ≤ DISPATCH_LEVEL): the peer closed or reset the connection.</summary>
    [Irql(KIrql.Dispatch)]
    public static NTSTATUS OnDisconnect(DeviceContext* ctx)
    {
        Lost(ctx, ctx->Wsk.Current.Transport);
        return NTSTATUS.STATUS_SUCCESS;
    }

    /// <summary>
    /// Connection <paramref name="transport"/> is gone (disconnected, reset, unreadable, or a send into it failed). Takes
    /// no lock: a send's completion can run inside WskSend, where the transport's lock is held. The notice DPC tells
    /// the core, once per connection and only while it is the socket in use.
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static void Lost(DeviceContext* ctx, uint transport) => WskTransport<TWdk, TKm>.NoticeLost(ctx, transport);
}
