using System;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

#if !NATIVE_ENGINE
/// <summary>
/// The driver the tests drive. Here: the C# core on <see cref="ManagedPlatform"/>. The same test sources are built a
/// second time with NATIVE_ENGINE (tests/OvpnDco.Driver.NativeTests), where this is the transpiled C core.
/// </summary>
public static unsafe class DriverUnderTest
{
    public const string Name = "managed";

    public static DriverState* Create(nint platformContext) => Driver<ManagedPlatform>.Create(platformContext);
    public static void Destroy(DriverState* s) => Driver<ManagedPlatform>.Destroy(s);
    public static NtStatus DeviceIoControl(DriverState* s, uint code, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned, bool controlDevice)
        => Driver<ManagedPlatform>.DeviceIoControl(s, code, input, output, ref bytesReturned, controlDevice);
    public static void CancelPending(DriverState* s, PendingKind kind) => Driver<ManagedPlatform>.CancelPending(s, kind);
    public static void OnTransportReceive(DriverState* s, ReadOnlySpan<byte> packet, in SockAddrInet from) => Driver<ManagedPlatform>.OnTransportReceive(s, packet, from);
    public static void OnTransportStream(DriverState* s, ReadOnlySpan<byte> bytes) => Driver<ManagedPlatform>.OnTransportStream(s, bytes);
    public static void OnTransportConnected(DriverState* s, NtStatus status) => Driver<ManagedPlatform>.OnTransportConnected(s, status);
    public static void OnTransportDisconnected(DriverState* s) => Driver<ManagedPlatform>.OnTransportDisconnected(s);
    public static NtStatus OnAdapterTransmit(DriverState* s, Span<byte> ipPacket) => Driver<ManagedPlatform>.OnAdapterTransmit(s, ipPacket);
    public static void OnTransportReceiveBatch(DriverState* s, RxDatagram* batch, int count) => Driver<ManagedPlatform>.OnTransportReceiveBatch(s, batch, count);
    public static void OnAdapterTransmitBatch(DriverState* s, TxPacket* batch, int count) => Driver<ManagedPlatform>.OnAdapterTransmitBatch(s, batch, count);
    public static NtStatus ReadControl(DriverState* s, nint request, Span<byte> buffer, out int bytesRead) => Driver<ManagedPlatform>.ReadControl(s, request, buffer, out bytesRead);
    public static bool CancelRead(DriverState* s, nint request) => Driver<ManagedPlatform>.CancelRead(s, request);
    public static NtStatus WriteControl(DriverState* s, ReadOnlySpan<byte> buffer) => Driver<ManagedPlatform>.WriteControl(s, buffer);
    public static void OnTimer(DriverState* s) => Driver<ManagedPlatform>.OnTimer(s);

    /// <summary>Fault injection: the next device's lock cannot be created.</summary>
    public static void FailNextLockInit() => ManagedPlatform.FailNextLockInit = true;
}
#endif
