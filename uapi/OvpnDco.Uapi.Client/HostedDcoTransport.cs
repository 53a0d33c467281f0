using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Threading;
using System.Threading.Tasks;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi.Client;

/// <summary>
/// The Linux transport: the hosted device (<c>libovpndco-device.so</c>, runtime-kernel/hosted/device) loaded into
/// this process. Opening it creates the TUN interface and a driver instance (libovpndco); the handle is exclusive (a
/// second open of the same interface fails with STATUS_ACCESS_DENIED); disposing it closes the device (pending
/// requests complete STATUS_CANCELLED, peers and keys are destroyed, the interface disappears). Packets never pass
/// through managed code: the device's own I/O thread moves them between the TUN fd, the driver and the socket.
/// <para>Requests the driver pends (TCP NEW_PEER, NOTIFY_EVENT, control reads) block a dedicated thread inside the
/// native call until the driver completes them; cancellation goes to the device by a per-request token.</para>
/// <para>The library is found through <c>OVPNDCO_DEVICE_LIBRARY</c>, next to this assembly, or in
/// <c>out/hosted/lib</c> of the source tree above it (where ./build.sh puts it).</para>
/// </summary>
[SupportedOSPlatform("linux")]
public sealed unsafe class HostedDcoTransport : IDcoTransport
{
    /// <summary>The interface the hosted device creates unless told otherwise.</summary>
    public const string DefaultInterfaceName = "ovpn-dco0";

    /// <summary>The adapter MTU (as the CLI sets it on Windows).</summary>
    public const int DefaultMtu = 1428;

    public const string LibraryFileName = "libovpndco-device.so";

    private static readonly Lazy<Native> Api = new(Native.Load);
    private readonly nint _device;
    private long _nextToken;
    private int _disposed;
    private int _active;   // callers inside the native device; Dispose closes it when the last one has left

    private HostedDcoTransport(nint device, string interfaceName)
    {
        _device = device;
        InterfaceName = interfaceName;
    }

    /// <summary>The TUN interface of this device.</summary>
    public string InterfaceName { get; }

    /// <summary>Opens the hosted device (creates the TUN interface). Failures throw <see cref="DcoException"/>
    /// (<see cref="NtStatus.AccessDenied"/> when the interface is held by another handle) or
    /// <see cref="DllNotFoundException"/> when the library is not built.</summary>
    public static HostedDcoTransport Open(string interfaceName = DefaultInterfaceName, int mtu = DefaultMtu)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        var api = Api.Value;
        nint dev;
        byte* error = stackalloc byte[256];
        error[0] = 0;
        int status;
        var name = System.Text.Encoding.UTF8.GetBytes(interfaceName + "\0");
        fixed (byte* n = name)
            status = api.Open(n, mtu, &dev, error, 256);
        if (status != 0)
        {
            string reason = Marshal.PtrToStringUTF8((nint)error) ?? string.Empty;
            throw new DcoException("open " + interfaceName + (reason.Length > 0 ? " (" + reason + ")" : string.Empty), (NtStatus)status,
                StatusCodes.ToWin32Error((NtStatus)status));
        }
        return new HostedDcoTransport(dev, Marshal.PtrToStringUTF8(api.IfName(dev)) ?? interfaceName);
    }

    /// <summary>Live allocations of the driver's allocator in this process (leak checks in tests).</summary>
    public static long LiveAllocations => Api.Value.LiveAllocations();

    /// <summary>Live AEAD key objects in this process.</summary>
    public static long LiveKeys => Api.Value.LiveKeys();

    /// <summary>Hosted devices open in this process.</summary>
    public static int OpenDevices => Api.Value.OpenCount();

    public int DeviceIoControl(uint code, ReadOnlySpan<byte> input, Span<byte> output)
    {
        int returned;
        int status;
        using var use = Use();
        fixed (byte* i = input, o = output)
            status = Api.Value.Ioctl(use.Device, code, i, input.Length, o, output.Length, &returned, 0);
        return Complete(DcoDevice.IoctlName(code), status, returned);
    }

    public ValueTask<int> DeviceIoControlAsync(uint code, ReadOnlyMemory<byte> input, Memory<byte> output, CancellationToken cancellationToken)
        => Start(DcoDevice.IoctlName(code), input, output, cancellationToken,
            (device, i, o, token, request) =>
            {
                int returned;
                int status = Api.Value.IoctlStart(device, code, i, input.Length, o, output.Length, &returned, token, request);
                return (status, returned);
            });

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => Start("ReadFile", ReadOnlyMemory<byte>.Empty, buffer, cancellationToken,
            (device, i, o, token, request) =>
            {
                int read;
                int status = Api.Value.ReadStart(device, o, buffer.Length, &read, token, request);
                return (status, read);
            });

    public ValueTask<int> WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int status;
        using (var use = Use())
        using (var b = buffer.Pin())
            status = Api.Value.Write(use.Device, (byte*)b.Pointer, buffer.Length);
        return ValueTask.FromResult(Complete("WriteFile", status, buffer.Length));
    }

    /// <summary>Closes the handle: blocked requests complete STATUS_CANCELLED, and once their callers have left the
    /// device is torn down (interface removed, peers and keys destroyed) before this returns.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Api.Value.Shutdown(_device);
        var wait = new SpinWait();
        while (Volatile.Read(ref _active) != 0)
            wait.SpinOnce(sleep1Threshold: 10);
        Api.Value.Close(_device);
    }

    private static int Complete(string operation, int status, int bytes)
    {
        var st = (NtStatus)status;
        if (!st.IsSuccess())
            throw DcoException.FromStatus(operation, st);
        return bytes;
    }

    private Lease Use()
    {
        Interlocked.Increment(ref _active);
        if (Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Decrement(ref _active);
            throw new ObjectDisposedException(nameof(HostedDcoTransport));
        }
        return new Lease(this);
    }

    private delegate (int Status, int Bytes) StartCall(nint device, byte* input, byte* output, ulong token, nint* request);

    /// <summary>
    /// Issues the request now, on the caller's thread (so it is queued in the driver in program order, like an IRP
    /// before ReadFile returns); a request that pends is waited for on a dedicated thread, buffers pinned until then.
    /// </summary>
    private ValueTask<int> Start(string operation, ReadOnlyMemory<byte> input, Memory<byte> output, CancellationToken cancellationToken,
        StartCall start)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ulong token = (ulong)Interlocked.Increment(ref _nextToken);
        var use = Use();
        var inPin = input.Pin();
        var outPin = output.Pin();
        nint pended = 0;
        (int Status, int Bytes) result;
        try
        {
            result = start(use.Device, (byte*)inPin.Pointer, (byte*)outPin.Pointer, token, &pended);
        }
        catch
        {
            inPin.Dispose();
            outPin.Dispose();
            use.Dispose();
            throw;
        }
        nint request = pended;
        if ((NtStatus)result.Status != NtStatus.Pending || request == 0)
        {
            inPin.Dispose();
            outPin.Dispose();
            use.Dispose();
            try
            {
                return ValueTask.FromResult(Complete(operation, result.Status, result.Bytes));
            }
            catch (DcoException e)
            {
                return ValueTask.FromException<int>(e);
            }
        }
        var device = use.Device;
        var task = Task.Factory.StartNew(() =>
        {
            try
            {
                using var registration = cancellationToken.Register(() => Api.Value.Cancel(device, token));
                int bytes;
                int status = Api.Value.Wait(device, request, &bytes);
                if ((NtStatus)status == NtStatus.Cancelled && cancellationToken.IsCancellationRequested)
                    throw new OperationCanceledException(cancellationToken);
                return Complete(operation, status, bytes);
            }
            finally
            {
                inPin.Dispose();
                outPin.Dispose();
                use.Dispose();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
        return new ValueTask<int>(task);
    }

    private readonly struct Lease : IDisposable
    {
        private readonly HostedDcoTransport _owner;

        public Lease(HostedDcoTransport owner) => _owner = owner;

        public nint Device => _owner._device;

        public void Dispose() => Interlocked.Decrement(ref _owner._active);
    }

    private sealed class Native
    {
        public delegate* unmanaged<byte*, int, nint*, byte*, int, int> Open;
        public delegate* unmanaged<nint, void> Close;
        public delegate* unmanaged<nint, void> Shutdown;
        public delegate* unmanaged<nint, nint> IfName;
        public delegate* unmanaged<nint, uint, byte*, int, byte*, int, int*, ulong, int> Ioctl;
        public delegate* unmanaged<nint, byte*, int, int*, ulong, int> Read;
        public delegate* unmanaged<nint, byte*, int, int> Write;
        public delegate* unmanaged<nint, uint, byte*, int, byte*, int, int*, ulong, nint*, int> IoctlStart;
        public delegate* unmanaged<nint, byte*, int, int*, ulong, nint*, int> ReadStart;
        public delegate* unmanaged<nint, nint, int*, int> Wait;
        public delegate* unmanaged<nint, ulong, void> Cancel;
        public delegate* unmanaged<long> LiveAllocations;
        public delegate* unmanaged<long> LiveKeys;
        public delegate* unmanaged<int> OpenCount;

        public static Native Load()
        {
            string path = Locate() ?? throw new DllNotFoundException(
                $"{LibraryFileName} not found (set OVPNDCO_DEVICE_LIBRARY, or run ./build.sh to build out/hosted/lib/{LibraryFileName})");
            nint lib = NativeLibrary.Load(path);
            nint F(string name) => NativeLibrary.GetExport(lib, name);
            return new Native
            {
                Open = (delegate* unmanaged<byte*, int, nint*, byte*, int, int>)F("ovpn_hdev_open"),
                Close = (delegate* unmanaged<nint, void>)F("ovpn_hdev_close"),
                Shutdown = (delegate* unmanaged<nint, void>)F("ovpn_hdev_shutdown"),
                IfName = (delegate* unmanaged<nint, nint>)F("ovpn_hdev_ifname"),
                Ioctl = (delegate* unmanaged<nint, uint, byte*, int, byte*, int, int*, ulong, int>)F("ovpn_hdev_ioctl"),
                Read = (delegate* unmanaged<nint, byte*, int, int*, ulong, int>)F("ovpn_hdev_read"),
                Write = (delegate* unmanaged<nint, byte*, int, int>)F("ovpn_hdev_write"),
                IoctlStart = (delegate* unmanaged<nint, uint, byte*, int, byte*, int, int*, ulong, nint*, int>)F("ovpn_hdev_ioctl_start"),
                ReadStart = (delegate* unmanaged<nint, byte*, int, int*, ulong, nint*, int>)F("ovpn_hdev_read_start"),
                Wait = (delegate* unmanaged<nint, nint, int*, int>)F("ovpn_hdev_wait"),
                Cancel = (delegate* unmanaged<nint, ulong, void>)F("ovpn_hdev_cancel"),
                LiveAllocations = (delegate* unmanaged<long>)F("ovpn_hdev_live_allocations"),
                LiveKeys = (delegate* unmanaged<long>)F("ovpn_hdev_live_keys"),
                OpenCount = (delegate* unmanaged<int>)F("ovpn_hdev_open_count"),
            };
        }

        /// <summary>OVPNDCO_DEVICE_LIBRARY, next to this assembly, or out/hosted/lib of a source tree above it.</summary>
        public static string? Locate()
        {
            string? env = Environment.GetEnvironmentVariable("OVPNDCO_DEVICE_LIBRARY");
            if (!string.IsNullOrEmpty(env))
                return File.Exists(env) ? Path.GetFullPath(env) : null;
            string local = Path.Combine(AppContext.BaseDirectory, LibraryFileName);
            if (File.Exists(local))
                return local;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "out", "hosted", "lib", LibraryFileName);
                if (File.Exists(candidate))
                    return candidate;
            }
            return null;
        }
    }
}
