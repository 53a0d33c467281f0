using System;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi.Client;

/// <summary>
/// The Windows transport: <c>CreateFile("\\.\ovpn-dco")</c> opened for overlapped I/O, bound to the thread pool's
/// completion port; DeviceIoControl, ReadFile and WriteFile complete through it. The NTSTATUS of every completed
/// request is read from the OVERLAPPED (its <c>Internal</c> member), the Win32 error from the completion.
/// Compiles everywhere; opening it anywhere but Windows throws <see cref="PlatformNotSupportedException"/>.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed unsafe partial class WindowsDcoTransport : IDcoTransport
{
    private const uint GenericRead = 0x80000000;
    private const uint GenericWrite = 0x40000000;
    private const uint OpenExisting = 3;
    private const uint FileAttributeSystem = 0x4;
    private const uint FileFlagOverlapped = 0x40000000;
    private const int ErrorIoPending = 997;

    private static readonly IOCompletionCallback Completion = OnCompletion;

    private readonly SafeFileHandle _handle;
    private readonly ThreadPoolBoundHandle _bound;

    private WindowsDcoTransport(SafeFileHandle handle)
    {
        _handle = handle;
        _bound = ThreadPoolBoundHandle.BindHandle(handle);
    }

    /// <summary>Opens the device (exclusive: a second open fails with access denied).</summary>
    public static WindowsDcoTransport Open(string path = DcoDevice.DevicePath)
    {
        if (!OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException($"{path} exists only on Windows; use the hosted transport elsewhere");
        var handle = CreateFile(path, GenericRead | GenericWrite, 0, IntPtr.Zero, OpenExisting,
            FileAttributeSystem | FileFlagOverlapped, IntPtr.Zero);
        if (handle.IsInvalid)
        {
            var error = (Win32Error)Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw DcoException.FromWin32Error("CreateFile " + path, error);
        }
        return new WindowsDcoTransport(handle);
    }

    public int DeviceIoControl(uint code, ReadOnlySpan<byte> input, Span<byte> output)
    {
        byte[] inCopy = input.ToArray();
        byte[] outBuffer = new byte[output.Length];
        int n = DeviceIoControlAsync(code, inCopy, outBuffer, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        outBuffer.AsSpan(0, n).CopyTo(output);
        return n;
    }

    public ValueTask<int> DeviceIoControlAsync(uint code, ReadOnlyMemory<byte> input, Memory<byte> output, CancellationToken cancellationToken)
        => Start(Kind.Ioctl, code, input, output, cancellationToken);

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => Start(Kind.Read, 0, ReadOnlyMemory<byte>.Empty, buffer, cancellationToken);

    public ValueTask<int> WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
        => Start(Kind.Write, 0, buffer, Memory<byte>.Empty, cancellationToken);

    public void Dispose()
    {
        // Closing the handle cancels pending requests (they complete STATUS_CANCELLED through the port).
        _handle.Dispose();
        _bound.Dispose();
    }

    private enum Kind
    {
        Ioctl,
        Read,
        Write,
    }

    /// <summary>One request in flight: the pinned buffers, the OVERLAPPED and the task to complete.</summary>
    private sealed class Pending
    {
        public readonly TaskCompletionSource<int> Task = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly object Gate = new();
        public WindowsDcoTransport? Owner;
        public string Operation = string.Empty;
        public MemoryHandle Input;
        public MemoryHandle Output;
        public NativeOverlapped* Overlapped;
        public CancellationTokenRegistration Registration;
        public bool Done;
        public bool Canceled;
    }

    private ValueTask<int> Start(Kind kind, uint code, ReadOnlyMemory<byte> input, Memory<byte> output, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<int>(cancellationToken);
        var op = new Pending
        {
            Owner = this,
            Operation = kind switch
            {
                Kind.Ioctl => DcoDevice.IoctlName(code),
                Kind.Read => "ReadFile",
                _ => "WriteFile",
            },
            Input = input.Pin(),
            Output = output.Pin(),
        };
        op.Overlapped = _bound.AllocateNativeOverlapped(Completion, op, null);
        bool ok;
        uint ignored;
        switch (kind)
        {
            case Kind.Ioctl:
                ok = DeviceIoControlNative(_handle, code, op.Input.Pointer, (uint)input.Length, op.Output.Pointer, (uint)output.Length,
                    &ignored, op.Overlapped);
                break;
            case Kind.Read:
                ok = ReadFile(_handle, op.Output.Pointer, (uint)output.Length, &ignored, op.Overlapped);
                break;
            default:
                ok = WriteFile(_handle, op.Input.Pointer, (uint)input.Length, &ignored, op.Overlapped);
                break;
        }
        if (!ok)
        {
            int error = Marshal.GetLastPInvokeError();
            if (error != ErrorIoPending)
            {
                // Failed at once: no completion packet is queued.
                var status = (NtStatus)(int)op.Overlapped->InternalLow;
                Release(op);
                return ValueTask.FromException<int>(new DcoException(op.Operation,
                    status.IsSuccess() ? StatusCodes.FromWin32Error((Win32Error)error) : status, (Win32Error)error));
            }
        }
        // Success or pending: the completion port delivers the result either way.
        if (cancellationToken.CanBeCanceled)
        {
            op.Registration = cancellationToken.Register(static state =>
            {
                var (transport, pending) = ((WindowsDcoTransport, Pending))state!;
                lock (pending.Gate)
                {
                    if (pending.Done)
                        return;
                    pending.Canceled = true;
                    CancelIoEx(transport._handle, pending.Overlapped);
                }
            }, (this, op));
        }
        return new ValueTask<int>(op.Task.Task);
    }

    private void Release(Pending op)
    {
        lock (op.Gate)
        {
            op.Done = true;
            _bound.FreeNativeOverlapped(op.Overlapped);
            op.Overlapped = null;
        }
        op.Input.Dispose();
        op.Output.Dispose();
    }

    private static void OnCompletion(uint errorCode, uint numBytes, NativeOverlapped* overlapped)
    {
        var op = (Pending)ThreadPoolBoundHandle.GetNativeOverlappedState(overlapped)!;
        var status = (NtStatus)(int)overlapped->InternalLow;
        lock (op.Gate)
        {
            op.Done = true;
            op.Owner!._bound.FreeNativeOverlapped(overlapped);
            op.Overlapped = null;
        }
        op.Registration.Dispose();
        op.Input.Dispose();
        op.Output.Dispose();
        if (errorCode == 0)
            op.Task.TrySetResult((int)numBytes);
        else if (op.Canceled && errorCode == 995)
            op.Task.TrySetCanceled();
        else
            op.Task.TrySetException(new DcoException(op.Operation,
                status.IsSuccess() ? StatusCodes.FromWin32Error((Win32Error)errorCode) : status, (Win32Error)errorCode));
    }

    [LibraryImport("kernel32.dll", EntryPoint = "CreateFileW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial SafeFileHandle CreateFile(string fileName, uint desiredAccess, uint shareMode, IntPtr securityAttributes,
        uint creationDisposition, uint flagsAndAttributes, IntPtr templateFile);

    [LibraryImport("kernel32.dll", EntryPoint = "DeviceIoControl", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool DeviceIoControlNative(SafeHandle device, uint ioControlCode, void* inBuffer, uint inBufferSize,
        void* outBuffer, uint outBufferSize, uint* bytesReturned, NativeOverlapped* overlapped);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool ReadFile(SafeHandle file, void* buffer, uint numberOfBytesToRead, uint* numberOfBytesRead,
        NativeOverlapped* overlapped);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool WriteFile(SafeHandle file, void* buffer, uint numberOfBytesToWrite, uint* numberOfBytesWritten,
        NativeOverlapped* overlapped);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CancelIoEx(SafeHandle file, NativeOverlapped* overlapped);
}
