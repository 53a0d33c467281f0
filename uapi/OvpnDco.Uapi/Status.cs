using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi;

/// <summary>The Win32 errors user mode sees (GetLastError after DeviceIoControl/ReadFile/WriteFile).</summary>
public enum Win32Error : uint
{
    Success = 0,
    InvalidFunction = 1,
    FileNotFound = 2,
    AccessDenied = 5,
    NotEnoughMemory = 8,
    NotReady = 21,
    BadCommand = 22,
    GenFailure = 31,
    NotSupported = 50,
    NetnameDeleted = 64,
    InvalidParameter = 87,
    InsufficientBuffer = 122,
    MoreData = 234,
    ArithmeticOverflow = 534,
    OperationAborted = 995,
    IoIncomplete = 996,
    IoPending = 997,
    NotFound = 1168,
    NetworkUnreachable = 1231,
    HostUnreachable = 1232,
    PortUnreachable = 1234,
    ConnectionAborted = 1236,
    AlreadyInitialized = 1247,
    NoSystemResources = 1450,
    Timeout = 1460,
    InvalidUserBuffer = 1784,
    ObjectAlreadyExists = 5010,
}

/// <summary>
/// NTSTATUS → Win32 error, as the I/O manager translates the statuses this driver completes with
/// (RtlNtStatusToDosError), and the reverse for transports that see only the Win32 error.
/// </summary>
[KernelCode]
public static class StatusCodes
{
    /// <summary>The Win32 error user mode sees for <paramref name="status"/> (GenFailure for unknown errors).</summary>
    public static Win32Error ToWin32Error(NtStatus status)
    {
        switch (status)
        {
            case NtStatus.Success: return Win32Error.Success;
            case NtStatus.Pending: return Win32Error.IoPending;
            case NtStatus.Timeout: return Win32Error.Timeout;
            case NtStatus.BufferOverflow: return Win32Error.MoreData;
            case NtStatus.Unsuccessful: return Win32Error.GenFailure;
            case NtStatus.InvalidParameter: return Win32Error.InvalidParameter;
            case NtStatus.InvalidDeviceRequest: return Win32Error.InvalidFunction;
            case NtStatus.NoMemory: return Win32Error.NotEnoughMemory;
            case NtStatus.AccessDenied: return Win32Error.AccessDenied;
            case NtStatus.BufferTooSmall: return Win32Error.InsufficientBuffer;
            case NtStatus.IntegerOverflow: return Win32Error.ArithmeticOverflow;
            case NtStatus.InsufficientResources: return Win32Error.NoSystemResources;
            case NtStatus.DeviceNotReady: return Win32Error.NotReady;
            case NtStatus.NotSupported: return Win32Error.NotSupported;
            case NtStatus.Cancelled: return Win32Error.OperationAborted;
            case NtStatus.InvalidDeviceState: return Win32Error.BadCommand;
            case NtStatus.InvalidBufferSize: return Win32Error.InvalidUserBuffer;
            case NtStatus.ConnectionDisconnected: return Win32Error.NetnameDeleted;
            case NtStatus.ConnectionReset: return Win32Error.NetnameDeleted;
            case NtStatus.ObjectIdExists: return Win32Error.ObjectAlreadyExists;
            case NtStatus.ObjectIdNotFound: return Win32Error.FileNotFound; // RtlNtStatusToDosError, by best knowledge
            case NtStatus.NetworkUnreachable: return Win32Error.NetworkUnreachable;
            case NtStatus.HostUnreachable: return Win32Error.HostUnreachable;
            case NtStatus.PortUnreachable: return Win32Error.PortUnreachable;
            case NtStatus.ConnectionAborted: return Win32Error.ConnectionAborted;
            case NtStatus.NotFound: return Win32Error.NotFound;
            case NtStatus.AlreadyInitialized: return Win32Error.AlreadyInitialized;
            default: return (int)status >= 0 ? Win32Error.Success : Win32Error.GenFailure;
        }
    }

    /// <summary>
    /// The NTSTATUS this driver completes with that user mode sees as <paramref name="error"/> (several statuses share
    /// an error: the one this driver uses is returned). Unknown errors give <see cref="NtStatus.Unsuccessful"/>.
    /// </summary>
    public static NtStatus FromWin32Error(Win32Error error)
    {
        switch (error)
        {
            case Win32Error.Success: return NtStatus.Success;
            case Win32Error.IoPending: return NtStatus.Pending;
            case Win32Error.Timeout: return NtStatus.Timeout;
            case Win32Error.MoreData: return NtStatus.BufferOverflow;
            case Win32Error.InvalidParameter: return NtStatus.InvalidParameter;
            case Win32Error.InvalidFunction: return NtStatus.InvalidDeviceRequest;
            case Win32Error.NotEnoughMemory: return NtStatus.NoMemory;
            case Win32Error.AccessDenied: return NtStatus.AccessDenied;
            case Win32Error.InsufficientBuffer: return NtStatus.BufferTooSmall;
            case Win32Error.ArithmeticOverflow: return NtStatus.IntegerOverflow;
            case Win32Error.NoSystemResources: return NtStatus.InsufficientResources;
            case Win32Error.NotReady: return NtStatus.DeviceNotReady;
            case Win32Error.NotSupported: return NtStatus.NotSupported;
            case Win32Error.OperationAborted: return NtStatus.Cancelled;
            case Win32Error.BadCommand: return NtStatus.InvalidDeviceState;
            case Win32Error.InvalidUserBuffer: return NtStatus.InvalidBufferSize;
            case Win32Error.NetnameDeleted: return NtStatus.ConnectionDisconnected;
            case Win32Error.ObjectAlreadyExists: return NtStatus.ObjectIdExists;
            case Win32Error.FileNotFound: return NtStatus.ObjectIdNotFound;
            case Win32Error.NetworkUnreachable: return NtStatus.NetworkUnreachable;
            case Win32Error.HostUnreachable: return NtStatus.HostUnreachable;
            case Win32Error.PortUnreachable: return NtStatus.PortUnreachable;
            case Win32Error.ConnectionAborted: return NtStatus.ConnectionAborted;
            case Win32Error.NotFound: return NtStatus.NotFound;
            case Win32Error.AlreadyInitialized: return NtStatus.AlreadyInitialized;
            default: return NtStatus.Unsuccessful;
        }
    }
}

/// <summary>Sizes and limits of the control channel and keys.</summary>
[KernelCode]
public static class UapiLimits
{
    /// <summary>Recommended ReadFile buffer for control packets; smaller buffers lose the packet (BUFFER_TOO_SMALL).</summary>
    public const int ControlReadBufferSize = 2048;

    /// <summary>Largest control packet a WriteFile may carry (without the MP address prefix).</summary>
    public const int MaxControlPacketSize = 1500;

    /// <summary>Adapter MTU upper bound.</summary>
    public const int MaxMtu = 1500;

    /// <summary>Largest TCP frame length; 0 or larger resets the stream state.</summary>
    public const int MaxTcpFrameLength = 2048;

    /// <summary>Tx packet ids at or above this are refused (STATUS_INTEGER_OVERFLOW); user space must rekey.</summary>
    public const uint PacketIdRekeyThreshold = 0xF0000000u;

    /// <summary>GET_PEER_STATS input meaning "all peers".</summary>
    public const int AllPeers = -1;

    /// <summary>True for a KeyLen the driver accepts: 16, 24 or 32.</summary>
    public static bool IsValidKeyLength(int keyLength) => keyLength == 16 || keyLength == 24 || keyLength == 32;
}
