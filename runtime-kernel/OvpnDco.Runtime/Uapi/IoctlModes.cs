using System;

namespace OvpnDco.Runtime.Uapi;

/// <summary>The device modes an IOCTL is valid in (a set), and the single mode a device is in (one bit).</summary>
[Flags]
public enum IoctlModes
{
    None = 0,

    /// <summary>Peer-to-peer (the default before and without SET_MODE).</summary>
    P2P = 1,

    /// <summary>Multipeer (server), after SET_MODE(MP).</summary>
    MP = 2,

    /// <summary>The non-exclusive control device (<c>\\.\ovpn-dco-ver</c>), which answers only GET_VERSION.</summary>
    ControlDevice = 4,

    /// <summary>P2P or MP on the main device.</summary>
    Any = P2P | MP,
}

/// <summary>One row of a generated IOCTL dispatch table.</summary>
[KernelCode]
public struct IoctlEntry
{
    public uint Code;
    public int Function;
    public int MinInput;
    public int MinOutput;
    public IoctlModes Modes;
}

/// <summary>The CTL_CODE arithmetic for the ovpn-dco IOCTLs (FILE_DEVICE_UNKNOWN, METHOD_BUFFERED, FILE_ANY_ACCESS).</summary>
[KernelCode]
public static class IoctlCode
{
    public const uint FileDeviceUnknown = 0x22;
    public const uint MethodBuffered = 0;
    public const uint FileAnyAccess = 0;

    /// <summary><c>CTL_CODE(DeviceType, Function, Method, Access)</c>.</summary>
    public static uint CtlCode(uint deviceType, uint function, uint method, uint access)
        => (deviceType << 16) | (access << 14) | (function << 2) | method;

    /// <summary>The ovpn-dco code of a function number.</summary>
    public static uint FromFunction(int function)
        => CtlCode(FileDeviceUnknown, (uint)function, MethodBuffered, FileAnyAccess);

    /// <summary>The function number of a code (bits 2..13).</summary>
    public static int Function(uint code) => (int)((code >> 2) & 0xFFF);

    /// <summary>True when <paramref name="code"/> is a FILE_DEVICE_UNKNOWN, METHOD_BUFFERED, FILE_ANY_ACCESS code.</summary>
    public static bool IsOvpnDcoCode(uint code) => (code & 0xFFFFC003u) == (FileDeviceUnknown << 16);
}
