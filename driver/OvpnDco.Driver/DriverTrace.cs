using OvpnDco.Driver.Platform;
using OvpnDco.Runtime;

namespace OvpnDco.Driver;

/// <summary>
/// The driver's trace events, declared once: OvpnDco.Generators turns each into a TraceLogging event of provider
/// "OpenVPN.OvpnDCO" in the kernel, one line on the hosted trace sink, and under .NET a line handed to the
/// platform's <see cref="IPlatform.Trace"/> (driver/README.md, "Tracing"). Field names are what
/// traceview/wpa show, so they are the C# parameter names. Public for the kernel platform's DriverEntry/unload:
/// <c>DriverTrace&lt;TPlatform&gt;.RegisterProvider()</c> / <c>UnregisterProvider()</c> (generated, C <c>ovpn_trace_register</c>/<c>_unregister</c>).
/// </summary>
[TraceProvider("OpenVPN.OvpnDCO", "4970f9cf-2c0c-4f11-b1cc-e3a1e9958833", Prefix = "ovpn_trace")]
public static partial class DriverTrace<TPlatform> where TPlatform : IPlatform
{
    /// <summary>Under .NET every event's line goes to the platform (the managed platform of the tests records it).</summary>
    [TraceSink]
    private static void Managed(TraceEventLevel level, string line) => TPlatform.Trace((TraceLevel)level, line, 0, 0);

    /// <summary>A peer's keepalive timeout fired (P2P: reported to the pending read; MP: the peer is deleted).</summary>
    [TraceEvent(TraceEventLevel.Info)]
    internal static partial void PeerKeepaliveExpired(int peerId, int timeoutSeconds);

    /// <summary>An authenticated packet came from an address another peer holds; the peer does not float (FloatRefused).</summary>
    [TraceEvent(TraceEventLevel.Warning)]
    internal static partial void PeerFloatRefused(int peerId);

    /// <summary>The primary key ran out of tx packet ids; a SWAP_KEYS event asks user space to rekey (once per key).</summary>
    [TraceEvent(TraceEventLevel.Warning)]
    internal static partial void TxPacketIdExhausted(int peerId, ulong packetId);

    /// <summary>A TCP frame length of 0 or over the limit: the reassembly is reset and the rest of the segment dropped.</summary>
    [TraceEvent(TraceEventLevel.Warning)]
    internal static partial void TcpBadFrameLength(int offset, int droppedBytes);

    /// <summary>An epoch key slot's receive side moved to a newer epoch (a future key authenticated a packet).</summary>
    [TraceEvent(TraceEventLevel.Info)]
    internal static partial void EpochReceiveKeyMoved(ushort fromEpoch, ushort toEpoch);

    /// <summary>An epoch key slot's send key moved to the next epoch (usage limit or counter end).</summary>
    [TraceEvent(TraceEventLevel.Info)]
    internal static partial void EpochSendKeyMoved(ushort fromEpoch, ushort toEpoch);

    /// <summary>The \\.\ovpn-dco-ver control device could not be created; the adapter works without it.</summary>
    [TraceEvent(TraceEventLevel.Warning)]
    public static partial void ControlDeviceNotCreated(int status);

    /// <summary>
    /// A platform's free-form message (<see cref="IPlatform.Trace"/> where a platform has no sink of its own, as the
    /// kernel). TraceLogging fixes an event's level at compile time, so the message's own level is a field.
    /// </summary>
    [TraceEvent(TraceEventLevel.Verbose)]
    public static partial void PlatformMessage(int level, string message, long a, long b);
}
