using System;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Uapi.Tests;

/// <summary>The Windows transport compiles everywhere; off Windows it refuses to open, on Windows without the driver it reports the Win32 error.</summary>
public class WindowsTransportTests
{
#pragma warning disable CA1416 // the point: the Windows-only API called everywhere
    [Test]
    public void OpeningTheDevice()
    {
        if (OperatingSystem.IsWindows())
        {
            var error = Assert.Throws<DcoException>(() => WindowsDcoTransport.Open(@"\\.\ovpn-dco-test-absent"))!;
            Assert.That(error.Error, Is.EqualTo(Win32Error.FileNotFound));
        }
        else
        {
            var error = Assert.Throws<PlatformNotSupportedException>(() => WindowsDcoTransport.Open())!;
            Assert.That(error.Message, Does.Contain(DcoDevice.DevicePath));
            Assert.Throws<PlatformNotSupportedException>(() => DcoDevice.Open());
        }
    }

#pragma warning restore CA1416

    [Test]
    public void DevicePaths()
    {
        Assert.That(DcoDevice.DevicePath, Is.EqualTo(@"\\.\ovpn-dco"));
        Assert.That(DcoDevice.ControlDevicePath, Is.EqualTo(@"\\.\ovpn-dco-ver"));
    }
}
