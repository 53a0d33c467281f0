using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OvpnDco.Driver;
using OvpnDco.Driver.Platform;
using OvpnDco.Driver.Tests;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Uapi.Tests;

/// <summary>
/// An <see cref="IDcoTransport"/> over the real driver core: DeviceIoControl, ReadFile and WriteFile go to the entry
/// points of <c>Driver&lt;ManagedPlatform&gt;</c> (tests/OvpnDco.Driver.Tests, linked), one device instance per transport.
/// Requests the driver pends (TCP NEW_PEER, NOTIFY_EVENT, reads) complete when the driver calls the platform's
/// completion callbacks; <see cref="Pump"/> hands those to the waiting tasks and runs after every driver call made
/// here. The peer side (datagrams, TCP connect, time) is driven through this class too.
/// </summary>
internal sealed unsafe class DriverTransport : IDcoTransport
{
    private readonly PlatformInstance _platform;
    private DriverState* _state;
    private nint _nextRequest = 1;
    private readonly Dictionary<nint, (Memory<byte> Buffer, TaskCompletionSource<int> Done)> _reads = new();
    private readonly Dictionary<PendingKind, Queue<(uint Code, Memory<byte> Output, TaskCompletionSource<int> Done)>> _pending = new()
    {
        [PendingKind.NewPeer] = new(),
        [PendingKind.NotifyEvent] = new(),
    };

    public DriverTransport(bool controlDevice = false)
    {
        IsControlDevice = controlDevice;
        _platform = ManagedPlatform.NewInstance();
        _state = DriverUnderTest.Create(_platform.Id);
        if (_state == null)
            throw new InvalidOperationException("the driver did not create a device");
        var state = _state;
        _platform.TimerCallback = () => DriverUnderTest.OnTimer(state);
    }

    /// <summary>True: behave as the control device (<c>\\.\ovpn-dco-ver</c>).</summary>
    public bool IsControlDevice { get; }

    public DriverState* State => _state;

    public PlatformInstance Platform => _platform;

    public bool Disposed => _state == null;

    /// <summary>Requests waiting for the driver.</summary>
    public int PendingCount => _reads.Count + _pending.Values.Sum(q => q.Count);

    private static PendingKind KindOf(uint code) => code switch
    {
        OvpnIoctl.NewPeer => PendingKind.NewPeer,
        OvpnIoctl.NotifyEvent => PendingKind.NotifyEvent,
        _ => throw new InvalidOperationException(DcoDevice.IoctlName(code) + " pended, which the driver never does"),
    };

    private DriverState* Live => _state != null ? _state : throw new ObjectDisposedException(nameof(DriverTransport));

    public int DeviceIoControl(uint code, ReadOnlySpan<byte> input, Span<byte> output)
    {
        int n = 0;
        var status = DriverUnderTest.DeviceIoControl(Live, code, input, output, ref n, IsControlDevice);
        Pump();
        if (status == NtStatus.Pending)
            throw new InvalidOperationException(DcoDevice.IoctlName(code) + " pends; use the async method");
        DcoException.ThrowIfFailed(DcoDevice.IoctlName(code), status);
        return n;
    }

    public ValueTask<int> DeviceIoControlAsync(uint code, ReadOnlyMemory<byte> input, Memory<byte> output, CancellationToken cancellationToken)
    {
        int n = 0;
        var status = DriverUnderTest.DeviceIoControl(Live, code, input.Span, output.Span, ref n, IsControlDevice);
        if (status != NtStatus.Pending)
        {
            Pump();
            return status.IsSuccess()
                ? ValueTask.FromResult(n)
                : ValueTask.FromException<int>(DcoException.FromStatus(DcoDevice.IoctlName(code), status));
        }
        var kind = KindOf(code);
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = (code, output, done);
        _pending[kind].Enqueue(entry);
        // Cancelling the I/O: the I/O manager completes the request; the driver forgets it (CancelPending).
        cancellationToken.Register(() =>
        {
            if (_state == null || done.Task.IsCompleted)
                return;
            DriverUnderTest.CancelPending(_state, kind);
            _pending[kind] = new Queue<(uint, Memory<byte>, TaskCompletionSource<int>)>(_pending[kind].Where(e => e.Done != done));
            done.TrySetCanceled(cancellationToken);
            Pump();
        });
        Pump();
        return new ValueTask<int>(done.Task);
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        nint request = _nextRequest++;
        var status = DriverUnderTest.ReadControl(Live, request, buffer.Span, out int n);
        if (status != NtStatus.Pending)
        {
            Pump();
            return status.IsSuccess() ? ValueTask.FromResult(n) : ValueTask.FromException<int>(DcoException.FromStatus("ReadFile", status));
        }
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _reads[request] = (buffer, done);
        cancellationToken.Register(() =>
        {
            if (_state != null && DriverUnderTest.CancelRead(_state, request))
            {
                _reads.Remove(request);
                done.TrySetCanceled(cancellationToken);
            }
            Pump();
        });
        Pump();
        return new ValueTask<int>(done.Task);
    }

    public ValueTask<int> WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var status = DriverUnderTest.WriteControl(Live, buffer.Span);
        Pump();
        return status.IsSuccess() ? ValueTask.FromResult(buffer.Length) : ValueTask.FromException<int>(DcoException.FromStatus("WriteFile", status));
    }

    /// <summary>Completes the waiting tasks whose requests the driver completed (copying their output).</summary>
    public void Pump()
    {
        foreach (var c in _platform.Reads.ToArray())
        {
            _platform.Reads.Remove(c);
            if (!_reads.Remove(c.Request, out var read))
                throw new InvalidOperationException($"the driver completed read {c.Request}, which is not pending");
            if (c.Status.IsSuccess())
            {
                c.Data.CopyTo(read.Buffer);
                read.Done.TrySetResult(c.Data.Length);
            }
            else
            {
                read.Done.TrySetException(DcoException.FromStatus("ReadFile", c.Status));
            }
        }
        foreach (var c in _platform.Pendings.ToArray())
        {
            _platform.Pendings.Remove(c);
            if (!_pending[c.Kind].TryDequeue(out var request))
                throw new InvalidOperationException($"the driver completed a {c.Kind} request, none is pending");
            if (c.Status.IsSuccess())
            {
                c.Data.CopyTo(request.Output);
                request.Done.TrySetResult(c.Data.Length);
            }
            else
            {
                request.Done.TrySetException(DcoException.FromStatus(DcoDevice.IoctlName(request.Code), c.Status));
            }
        }
    }

    // ---- the other side of the device: network and time ----

    /// <summary>A UDP datagram from the network.</summary>
    public void Receive(byte[] datagram, in SockAddrInet from)
    {
        DriverUnderTest.OnTransportReceive(Live, datagram, from);
        Pump();
    }

    /// <summary>The TCP connection of a pended NEW_PEER completes.</summary>
    public void TcpConnected(NtStatus status = NtStatus.Success)
    {
        DriverUnderTest.OnTransportConnected(Live, status);
        Pump();
    }

    /// <summary>Advances the virtual clock, running the device timer when due.</summary>
    public void Advance(long ms)
    {
        ManagedPlatform.Advance(ms, _platform);
        Pump();
    }

    public List<SentPacket> TakeSent()
    {
        var sent = _platform.Sent.ToList();
        _platform.Sent.Clear();
        return sent;
    }

    public void Dispose()
    {
        if (_state == null)
            return;
        // Handle close: the driver completes pending reads and requests (STATUS_CANCELLED) while it tears down.
        DriverUnderTest.Destroy(_state);
        _state = null;
        Pump();
        // What the driver did not complete, the I/O manager cancels when the handle closes.
        foreach (var read in _reads.Values)
            read.Done.TrySetException(DcoException.FromStatus("ReadFile", NtStatus.Cancelled));
        _reads.Clear();
        foreach (var queue in _pending.Values)
        {
            while (queue.TryDequeue(out var request))
                request.Done.TrySetException(DcoException.FromStatus(DcoDevice.IoctlName(request.Code), NtStatus.Cancelled));
        }
    }
}
