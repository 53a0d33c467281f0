using System;
using System.Threading;
using System.Threading.Tasks;

namespace OvpnDco.Uapi.Client;

/// <summary>
/// How <see cref="DcoDevice"/> reaches a driver: the four operations of the device handle. Implementations:
/// <see cref="WindowsDcoTransport"/> (<c>\\.\ovpn-dco</c> through DeviceIoControl/ReadFile/WriteFile) and the hosted
/// transport of the Linux build (added by the hosted-device issue), and in-process ones in tests.
/// <para>Every method reports a failed request by throwing <see cref="DcoException"/> (with the NTSTATUS and the
/// Win32 error); cancellation throws <see cref="OperationCanceledException"/>. Requests may pend (TCP NEW_PEER,
/// NOTIFY_EVENT, reads): the async methods complete when the driver completes them.</para>
/// </summary>
public interface IDcoTransport : IDisposable
{
    /// <summary>Sends an IOCTL and waits for it; returns the number of bytes the driver wrote to <paramref name="output"/>.</summary>
    int DeviceIoControl(uint code, ReadOnlySpan<byte> input, Span<byte> output);

    /// <summary>Sends an IOCTL; completes when the driver completes it (which may be much later).</summary>
    ValueTask<int> DeviceIoControlAsync(uint code, ReadOnlyMemory<byte> input, Memory<byte> output, CancellationToken cancellationToken);

    /// <summary>Reads one control packet (ReadFile); returns its length.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Writes one control packet (WriteFile); returns the bytes written.</summary>
    ValueTask<int> WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);
}
