using System;
using System.IO;

namespace OvpnDco.Uapi.Client;

/// <summary>
/// One-line reasons for the errors a program driving the device reports to its user instead of a stack trace: a
/// request the driver refused, a device (or hosted library) that is not there, a handle the system would not open.
/// Shared by ovpn-dco-cli and ovpn-dco-client so both say the same thing for the same failure.
/// </summary>
public static class DeviceErrors
{
    /// <summary>The exit code for a device error (1 is for wrong arguments or configuration).</summary>
    public const int ExitCode = 2;

    /// <summary>The reason for <paramref name="e"/>, or null when it is not a device error (a bug: let it surface).</summary>
    public static string? Describe(Exception e) => e switch
    {
        DcoException dco => Describe(dco),
        DllNotFoundException missing => $"the device is not there: {missing.Message}",
        IOException or UnauthorizedAccessException => e.Message,
        _ => null,
    };

    /// <summary>What failed and why, in words for the statuses a user can do something about.</summary>
    public static string Describe(DcoException e)
    {
        uint status = (uint)e.Status;
        string what = status switch
        {
            0xC0000022 => "the device is already open by another process (access denied)",
            0xC00000A3 => "the device is not there",
            0xC000020A => "the local address is in use",
            0xC0000236 => "the connection was refused",
            0xC0000141 => "the address cannot be used here",
            _ => e.Status.ToString(),
        };
        return $"{e.Operation}: {what} (NTSTATUS 0x{status:X8})";
    }
}
