using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OvpnDco.Runtime;
using OvpnDco.Wdk;

namespace OvpnDco.EchoDriver;

/// <summary>
/// The echo device: a write stores up to <see cref="Capacity"/> bytes, a read returns the bytes last written (and
/// STATUS_BUFFER_TOO_SMALL, with nothing copied, when the caller's buffer cannot hold them). One sequential queue, so
/// reads and writes never run at the same time and the buffer needs no lock.
/// </summary>
public static unsafe class EchoDriver
{
    /// <summary>The most a write may store.</summary>
    public const int Capacity = 4096;

    private const int StatusBufferTooSmall = unchecked((int)0xC0000023);
    private const int StatusInvalidBufferSize = unchecked((int)0xC0000206);

    private static ReadOnlySpan<char> DeviceName => new[] { '\\', 'D', 'e', 'v', 'i', 'c', 'e', '\\', 'o', 'v', 'p', 'n', '-', 'e', 'c', 'h', 'o', '\0' };

    private static ReadOnlySpan<char> SymbolicLink => new[] { '\\', 'D', 'o', 's', 'D', 'e', 'v', 'i', 'c', 'e', 's', '\\', 'o', 'v', 'p', 'n', '-', 'e', 'c', 'h', 'o', '\0' };

    private struct EchoBuffer
    {
        public fixed byte Data[Capacity];
        public int Length;
    }

    private static EchoBuffer s_echo;

    [Export("DriverEntry")]
    public static NTSTATUS DriverEntry(PDRIVER_OBJECT driverObject, UNICODE_STRING* registryPath)
    {
        WDF_DRIVER_CONFIG config;
        KernelWdk.WDF_DRIVER_CONFIG_INIT(&config, &EvtDriverDeviceAdd);
        WDFDRIVER driver;
        return KernelWdk.WdfDriverCreate(driverObject, registryPath, null, &config, &driver);
    }

    /// <summary>The device, its name and link, and the default queue (buffered I/O: the buffers are system copies).</summary>
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static NTSTATUS EvtDriverDeviceAdd(WDFDRIVER driver, PWDFDEVICE_INIT init)
    {
        KernelWdk.WdfDeviceInitSetIoType(init, WDF_DEVICE_IO_TYPE.WdfDeviceIoBuffered);
        NTSTATUS status;
        WDFDEVICE device;
        fixed (char* nameText = DeviceName, linkText = SymbolicLink)
        {
            UNICODE_STRING name, link;
            KernelWdk.RtlInitUnicodeString(&name, nameText);
            status = KernelWdk.WdfDeviceInitAssignName(init, &name);
            if (Failed(status))
                return status;
            status = KernelWdk.WdfDeviceCreate(&init, null, &device);
            if (Failed(status))
                return status;
            KernelWdk.RtlInitUnicodeString(&link, linkText);
            status = KernelWdk.WdfDeviceCreateSymbolicLink(device, &link);
            if (Failed(status))
                return status;
        }
        WDF_IO_QUEUE_CONFIG queueConfig;
        KernelWdk.WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WDF_IO_QUEUE_DISPATCH_TYPE.WdfIoQueueDispatchSequential);
        queueConfig.EvtIoRead = &EvtIoRead;
        queueConfig.EvtIoWrite = &EvtIoWrite;
        WDFQUEUE queue;
        return KernelWdk.WdfIoQueueCreate(device, &queueConfig, null, &queue);
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtIoWrite(WDFQUEUE queue, WDFREQUEST request, nuint length)
    {
        void* buffer;
        nuint size;
        var status = KernelWdk.WdfRequestRetrieveInputBuffer(request, 0, &buffer, &size);
        if (Failed(status))
        {
            KernelWdk.WdfRequestCompleteWithInformation(request, status, 0);
            return;
        }
        int stored = Store(new ReadOnlySpan<byte>(buffer, Clamp(size)));
        if (stored < 0)
            KernelWdk.WdfRequestCompleteWithInformation(request, (NTSTATUS)StatusInvalidBufferSize, 0);
        else
            KernelWdk.WdfRequestCompleteWithInformation(request, NTSTATUS.STATUS_SUCCESS, (nuint)stored);
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static void EvtIoRead(WDFQUEUE queue, WDFREQUEST request, nuint length)
    {
        void* buffer;
        nuint size;
        var status = KernelWdk.WdfRequestRetrieveOutputBuffer(request, 0, &buffer, &size);
        if (Failed(status))
        {
            KernelWdk.WdfRequestCompleteWithInformation(request, status, 0);
            return;
        }
        int copied = Load(new Span<byte>(buffer, Clamp(size)));
        if (copied < 0)
            KernelWdk.WdfRequestCompleteWithInformation(request, (NTSTATUS)StatusBufferTooSmall, 0);
        else
            KernelWdk.WdfRequestCompleteWithInformation(request, NTSTATUS.STATUS_SUCCESS, (nuint)copied);
    }

    /// <summary>Keeps <paramref name="data"/> as the next read's answer; the length stored, or -1 when it is too long.</summary>
    public static int Store(ReadOnlySpan<byte> data)
    {
        if (data.Length > Capacity)
            return -1;
        fixed (byte* p = s_echo.Data)
            data.CopyTo(new Span<byte>(p, Capacity));
        s_echo.Length = data.Length;
        return data.Length;
    }

    /// <summary>Copies the stored bytes into <paramref name="output"/>: their length, or -1 when they do not fit.</summary>
    public static int Load(Span<byte> output)
    {
        if (output.Length < s_echo.Length)
            return -1;
        fixed (byte* p = s_echo.Data)
            new ReadOnlySpan<byte>(p, s_echo.Length).CopyTo(output);
        return s_echo.Length;
    }

    private static bool Failed(NTSTATUS status) => (int)status < 0;

    private static int Clamp(nuint size) => size > int.MaxValue ? int.MaxValue : (int)size;
}
