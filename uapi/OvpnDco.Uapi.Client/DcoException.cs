using System;
using System.Globalization;
using System.IO;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi.Client;

/// <summary>
/// A request to the driver failed. Carries both the NTSTATUS the driver completed it with and the Win32 error user
/// mode sees (GetLastError). Transports that see only one of them derive the other with <see cref="StatusCodes"/>.
/// </summary>
public sealed class DcoException : IOException
{
    public DcoException(string operation, NtStatus status, Win32Error error)
        : base(string.Format(CultureInfo.InvariantCulture, "{0} failed: {1} (NTSTATUS 0x{2:X8}, Win32 error {3} = {4})",
            operation, status, (uint)status, (uint)error, error))
    {
        Operation = operation;
        Status = status;
        Error = error;
        HResult = unchecked((int)0x80070000u | (int)((uint)error & 0xFFFF));
    }

    /// <summary>What failed, e.g. <c>OVPN_IOCTL_NEW_PEER</c> or <c>ReadFile</c>.</summary>
    public string Operation { get; }

    /// <summary>The NTSTATUS the request completed with.</summary>
    public NtStatus Status { get; }

    /// <summary>The Win32 error user mode sees.</summary>
    public Win32Error Error { get; }

    /// <summary>From a driver status (hosted transports); the Win32 error is the I/O manager's translation.</summary>
    public static DcoException FromStatus(string operation, NtStatus status)
        => new(operation, status, StatusCodes.ToWin32Error(status));

    /// <summary>From a Win32 error alone (the NTSTATUS is the one this driver uses for that error).</summary>
    public static DcoException FromWin32Error(string operation, Win32Error error)
        => new(operation, StatusCodes.FromWin32Error(error), error);

    /// <summary>Throws unless <paramref name="status"/> is a success status.</summary>
    public static void ThrowIfFailed(string operation, NtStatus status)
    {
        if (!status.IsSuccess())
            throw FromStatus(operation, status);
    }
}
