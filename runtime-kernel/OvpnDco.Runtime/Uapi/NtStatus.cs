namespace OvpnDco.Runtime.Uapi;

/// <summary>
/// NTSTATUS values the driver completes requests with (a signed 32-bit value: negative = error).
/// What user mode sees for each (the Win32 error) is in <c>OvpnDco.Uapi.Win32Error</c>/<c>StatusCodes</c>.
/// </summary>
public enum NtStatus : int
{
    Success = 0,
    Timeout = 0x00000102,
    Pending = 0x00000103,
    BufferOverflow = unchecked((int)0x80000005),
    Unsuccessful = unchecked((int)0xC0000001),
    InvalidParameter = unchecked((int)0xC000000D),
    InvalidDeviceRequest = unchecked((int)0xC0000010),
    NoMemory = unchecked((int)0xC0000017),
    AccessDenied = unchecked((int)0xC0000022),
    BufferTooSmall = unchecked((int)0xC0000023),
    IntegerOverflow = unchecked((int)0xC0000095),
    InsufficientResources = unchecked((int)0xC000009A),
    DeviceNotReady = unchecked((int)0xC00000A3),
    NotSupported = unchecked((int)0xC00000BB),
    Cancelled = unchecked((int)0xC0000120),
    InvalidDeviceState = unchecked((int)0xC0000184),
    InvalidBufferSize = unchecked((int)0xC0000206),
    ConnectionDisconnected = unchecked((int)0xC000020C),
    ConnectionReset = unchecked((int)0xC000020D),
    ObjectIdExists = unchecked((int)0xC000022B),
    ObjectIdNotFound = unchecked((int)0xC00002F0),
    NetworkUnreachable = unchecked((int)0xC000023C),
    HostUnreachable = unchecked((int)0xC000023D),
    PortUnreachable = unchecked((int)0xC000023F),
    ConnectionAborted = unchecked((int)0xC0000241),
    NotFound = unchecked((int)0xC0000225),
    AlreadyInitialized = unchecked((int)0xC0000510),
}

/// <summary>NT_SUCCESS and friends.</summary>
[KernelCode]
public static class NtStatusExtensions
{
    /// <summary><c>NT_SUCCESS(status)</c>: success and informational values (&gt;= 0).</summary>
    public static bool IsSuccess(this NtStatus status) => (int)status >= 0;

    /// <summary><c>NT_ERROR(status)</c>: severity 3.</summary>
    public static bool IsError(this NtStatus status) => ((uint)status >> 30) == 3;
}

/// <summary>Helpers the generated IOCTL dispatch calls (kernel subset: plain loops over spans).</summary>
[KernelCode]
public static class IoctlBuffer
{
    /// <summary>Zeroes <paramref name="buffer"/> (outputs reach user space with padding as 0).</summary>
    public static void Zero(System.Span<byte> buffer) => buffer.Clear();
}
