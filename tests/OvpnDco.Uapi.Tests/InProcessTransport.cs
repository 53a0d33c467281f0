using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Uapi.Tests;

/// <summary>
/// An <see cref="IDcoTransport"/> that runs <see cref="TestDriver"/> in-process through its generated dispatch:
/// pending IOCTLs wait until <see cref="Kick"/>; control packets travel through queues. Exercises DcoDevice end to end
/// without Windows.
/// </summary>
internal sealed class InProcessTransport : IDcoTransport
{
    private readonly object _gate = new();
    private readonly List<(uint Code, byte[] Input, Memory<byte> Output, TaskCompletionSource<int> Done)> _pending = new();
    private readonly Queue<byte[]> _toUser = new();
    private readonly Queue<(Memory<byte> Buffer, TaskCompletionSource<int> Done)> _readers = new();
    public FakeDevice Device = FakeDevice.Create();

    /// <summary>True: behave as the control device (<c>\\.\ovpn-dco-ver</c>).</summary>
    public bool IsControlDevice { get; init; }

    public List<byte[]> Written { get; } = new();

    public bool Disposed { get; private set; }

    private IoctlModes Mode => IsControlDevice ? IoctlModes.ControlDevice : Device.DispatchMode;

    public int DeviceIoControl(uint code, ReadOnlySpan<byte> input, Span<byte> output)
    {
        lock (_gate)
        {
            int n = 0;
            var status = TestDriver.DispatchIoctl(ref Device, Mode, code, input, output, ref n);
            if (status == NtStatus.Pending)
                throw new InvalidOperationException(DcoDevice.IoctlName(code) + " pends; use the async method");
            DcoException.ThrowIfFailed(DcoDevice.IoctlName(code), status);
            return n;
        }
    }

    public ValueTask<int> DeviceIoControlAsync(uint code, ReadOnlyMemory<byte> input, Memory<byte> output, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            int n = 0;
            var status = TestDriver.DispatchIoctl(ref Device, Mode, code, input.Span, output.Span, ref n);
            if (status != NtStatus.Pending)
            {
                return status.IsSuccess()
                    ? ValueTask.FromResult(n)
                    : ValueTask.FromException<int>(DcoException.FromStatus(DcoDevice.IoctlName(code), status));
            }
            var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var entry = (code, input.ToArray(), output, done);
            _pending.Add(entry);
            cancellationToken.Register(() =>
            {
                lock (_gate)
                    _pending.Remove(entry);
                done.TrySetCanceled(cancellationToken);
            });
            return new ValueTask<int>(done.Task);
        }
    }

    /// <summary>Runs the pending IOCTLs again (the fake's "something happened"); completes those that no longer pend.</summary>
    public void Kick()
    {
        lock (_gate)
        {
            foreach (var entry in _pending.ToArray())
            {
                int n = 0;
                var status = TestDriver.DispatchIoctl(ref Device, Mode, entry.Code, entry.Input, entry.Output.Span, ref n);
                if (status == NtStatus.Pending)
                    continue;
                _pending.Remove(entry);
                if (status.IsSuccess())
                    entry.Done.TrySetResult(n);
                else
                    entry.Done.TrySetException(DcoException.FromStatus(DcoDevice.IoctlName(entry.Code), status));
            }
        }
    }

    public int PendingCount
    {
        get
        {
            lock (_gate)
                return _pending.Count;
        }
    }

    public void RaiseEvent(OvpnNotifyEvent notification)
    {
        lock (_gate)
            Device.Events.Enqueue(notification);
        Kick();
    }

    public void CompleteTcpConnect()
    {
        lock (_gate)
            Device.TcpConnected = true;
        Kick();
    }

    /// <summary>A control packet from the peer (in MP: already prefixed with the source address).</summary>
    public void DeliverToUser(byte[] packet)
    {
        lock (_gate)
        {
            if (_readers.Count == 0)
            {
                _toUser.Enqueue(packet);
                return;
            }
            var (buffer, done) = _readers.Dequeue();
            Complete(packet, buffer, done);
        }
    }

    private static void Complete(byte[] packet, Memory<byte> buffer, TaskCompletionSource<int> done)
    {
        // Like upstream: a read buffer that is too small fails and the packet is lost.
        if (buffer.Length < packet.Length)
        {
            done.TrySetException(DcoException.FromStatus("ReadFile", NtStatus.BufferTooSmall));
            return;
        }
        packet.CopyTo(buffer);
        done.TrySetResult(packet.Length);
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Disposed)
                return ValueTask.FromException<int>(DcoException.FromStatus("ReadFile", NtStatus.Cancelled));
            var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_toUser.Count > 0)
                Complete(_toUser.Dequeue(), buffer, done);
            else
                _readers.Enqueue((buffer, done));
            return new ValueTask<int>(done.Task);
        }
    }

    public ValueTask<int> WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            int prefix = 0;
            if (Device.Mode == OvpnMode.MP)
            {
                if (!Device.MpListening)
                    return ValueTask.FromException<int>(DcoException.FromStatus("WriteFile", NtStatus.InvalidDeviceState));
                prefix = SockAddr.PrefixLength(buffer.Span);
                if (prefix == 0)
                    return ValueTask.FromException<int>(DcoException.FromStatus("WriteFile", NtStatus.InvalidParameter));
            }
            else if (!Device.PeerExists)
            {
                return ValueTask.FromException<int>(DcoException.FromStatus("WriteFile", NtStatus.InvalidDeviceState));
            }
            if (buffer.Length - prefix > UapiLimits.MaxControlPacketSize)
                return ValueTask.FromException<int>(DcoException.FromStatus("WriteFile", NtStatus.InvalidBufferSize));
            Written.Add(buffer.ToArray());
            return ValueTask.FromResult(buffer.Length);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            Disposed = true;
            // Handle close: pending reads complete STATUS_CANCELLED.
            while (_readers.Count > 0)
                _readers.Dequeue().Done.TrySetException(DcoException.FromStatus("ReadFile", NtStatus.Cancelled));
            foreach (var entry in _pending)
                entry.Done.TrySetException(DcoException.FromStatus(DcoDevice.IoctlName(entry.Code), NtStatus.Cancelled));
            _pending.Clear();
        }
    }
}
