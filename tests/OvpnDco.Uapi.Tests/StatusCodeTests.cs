using System;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Uapi.Tests;

/// <summary>The NTSTATUS values and the Win32 errors user mode sees (UAPI.md "Status codes").</summary>
public class StatusCodeTests
{
    [TestCase(NtStatus.InvalidDeviceRequest, 0xC0000010u, Win32Error.InvalidFunction, 1u)]
    [TestCase(NtStatus.BufferTooSmall, 0xC0000023u, Win32Error.InsufficientBuffer, 122u)]
    [TestCase(NtStatus.ObjectIdExists, 0xC000022Bu, Win32Error.ObjectAlreadyExists, 5010u)]
    [TestCase(NtStatus.AlreadyInitialized, 0xC0000510u, Win32Error.AlreadyInitialized, 1247u)]
    [TestCase(NtStatus.InvalidDeviceState, 0xC0000184u, Win32Error.BadCommand, 22u)]
    [TestCase(NtStatus.ConnectionDisconnected, 0xC000020Cu, Win32Error.NetnameDeleted, 64u)]
    [TestCase(NtStatus.ConnectionAborted, 0xC0000241u, Win32Error.ConnectionAborted, 1236u)]
    [TestCase(NtStatus.Cancelled, 0xC0000120u, Win32Error.OperationAborted, 995u)]
    [TestCase(NtStatus.IntegerOverflow, 0xC0000095u, Win32Error.ArithmeticOverflow, 534u)]
    [TestCase(NtStatus.InvalidParameter, 0xC000000Du, Win32Error.InvalidParameter, 87u)]
    [TestCase(NtStatus.Pending, 0x00000103u, Win32Error.IoPending, 997u)]
    [TestCase(NtStatus.Success, 0u, Win32Error.Success, 0u)]
    public void StatusesMapLikeTheIoManager(NtStatus status, uint value, Win32Error error, uint errorValue)
    {
        Assert.That((uint)status, Is.EqualTo(value));
        Assert.That((uint)error, Is.EqualTo(errorValue));
        Assert.That(StatusCodes.ToWin32Error(status), Is.EqualTo(error));
        Assert.That(StatusCodes.FromWin32Error(error), Is.EqualTo(status), "the driver's status for that error");
        var exception = DcoException.FromStatus("op", status);
        Assert.That(exception.Error, Is.EqualTo(error));
        Assert.That(DcoException.FromWin32Error("op", error).Status, Is.EqualTo(status));
    }

    [Test]
    public void EveryDefinedStatusHasAWin32Error()
    {
        foreach (NtStatus status in Enum.GetValues<NtStatus>())
        {
            var error = StatusCodes.ToWin32Error(status);
            if (status.IsError())
                Assert.That(error, Is.Not.EqualTo(Win32Error.Success), status.ToString());
        }
        Assert.That(StatusCodes.ToWin32Error((NtStatus)unchecked((int)0xC0FFEE00)), Is.EqualTo(Win32Error.GenFailure));
        Assert.That(StatusCodes.FromWin32Error((Win32Error)12345), Is.EqualTo(NtStatus.Unsuccessful));
    }

    [Test]
    public void SuccessAndErrorClasses()
    {
        Assert.That(NtStatus.Success.IsSuccess(), Is.True);
        Assert.That(NtStatus.Pending.IsSuccess(), Is.True);
        Assert.That(NtStatus.BufferOverflow.IsSuccess(), Is.False, "warnings are not NT_SUCCESS");
        Assert.That(NtStatus.BufferOverflow.IsError(), Is.False);
        Assert.That(NtStatus.Cancelled.IsError(), Is.True);
        Assert.DoesNotThrow(() => DcoException.ThrowIfFailed("op", NtStatus.Pending));
        Assert.Throws<DcoException>(() => DcoException.ThrowIfFailed("op", NtStatus.Unsuccessful));
    }

    [Test]
    public void ExceptionHResultIsTheWin32Error()
    {
        var e = DcoException.FromStatus("OVPN_IOCTL_GET_STATS", NtStatus.BufferTooSmall);
        Assert.That(e.HResult, Is.EqualTo(unchecked((int)0x8007007A)));
        Assert.That(e, Is.InstanceOf<System.IO.IOException>());
    }
}
