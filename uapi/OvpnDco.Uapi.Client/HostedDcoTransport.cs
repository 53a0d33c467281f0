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
    private readonly DeviceHandle _handle;
    private long _nextToken;
    private int _disposed;

    private HostedDcoTransport(DeviceHandle handle, string interfaceName)
    {
        _handle = handle;
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
        var handle = new DeviceHandle(api);
        handle.Set(dev);
        return new HostedDcoTransport(handle, Marshal.PtrToStringUTF8(api.IfName(dev)) ?? interfaceName);
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
        => Run(DcoDevice.IoctlName(code), cancellationToken, token =>
        {
            using var use = Use();
            using var i = input.Pin();
            using var o = output.Pin();
            int returned;
            int status = Api.Value.Ioctl(use.Device, code, (byte*)i.Pointer, input.Length, (byte*)o.Pointer, output.Length, &returned, token);
            return (status, returned);
        });

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => Run("ReadFile", cancellationToken, token =>
        {
            using var use = Use();
            using var b = buffer.Pin();
            int read;
            int status = Api.Value.Read(use.Device, (byte*)b.Pointer, buffer.Length, &read, token);
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

    /// <summary>Closes the handle: blocked requests complete STATUS_CANCELLED; the device is torn down once they have left.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            Api.Value.Shutdown(_handle.DangerousGetHandle());
        }
        finally
        {
            if (added)
                _handle.DangerousRelease();
        }
        _handle.Dispose();
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
        if (Volatile.Read(ref _disposed) != 0)
            throw new ObjectDisposedException(nameof(HostedDcoTransport));
        bool added = false;
        _handle.DangerousAddRef(ref added);
        return new Lease(_handle);
    }

    private ValueTask<int> Run(string operation, CancellationToken cancellationToken, Func<ulong, (int Status, int Bytes)> call)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ulong token = (ulong)Interlocked.Increment(ref _nextToken);
        var task = Task.Factory.StartNew(() =>
        {
            using var registration = cancellationToken.Register(() =>
            {
                try
                {
                    using var use = Use();
                    Api.Value.Cancel(use.Device, token);
                }
                catch (ObjectDisposedException)
                {
                }
            });
            var (status, bytes) = call(token);
            if ((NtStatus)status == NtStatus.Cancelled && cancellationToken.IsCancellationRequested)
                throw new OperationCanceledException(cancellationToken);
            return Complete(operation, status, bytes);
        }, CancellationToken.None, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
        return new ValueTask<int>(task);
    }

    private readonly struct Lease : IDisposable
    {
        private readonly DeviceHandle _handle;

        public Lease(DeviceHandle handle) => _handle = handle;

        public nint Device => _handle.DangerousGetHandle();

        public void Dispose() => _handle.DangerousRelease();
    }

    /// <summary>Owns the native device: ovpn_hdev_close runs when the last user releases it.</summary>
    private sealed class DeviceHandle : SafeHandle
    {
        private readonly Native _api;

        public DeviceHandle(Native api)
            : base(IntPtr.Zero, ownsHandle: true) => _api = api;

        public override bool IsInvalid => handle == IntPtr.Zero;

        public void Set(nint device) => SetHandle(device);

        protected override bool ReleaseHandle()
        {
            _api.Close(handle);
            return true;
        }
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
