using System;
using System.Linq;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Uapi.Tests;

/// <summary>The generated dispatch table of <see cref="TestDriver"/>, called directly.</summary>
public class DispatchRuntimeTests
{
    private static IoctlInfo[] Ioctls => UapiCatalog.Ioctls.ToArray();

    // Parameter sources filtered to the rows that have the property a test checks, so every case asserts something.
    private static IoctlInfo[] IoctlsWithInput => Ioctls.Where(i => i.MinInput > 0).ToArray();
    private static IoctlInfo[] IoctlsWithOutput => Ioctls.Where(i => i.MinOutput > 0).ToArray();
    private static IoctlInfo[] IoctlsRefusedSomewhere => Ioctls
        .Where(i => (i.Modes & (IoctlModes.P2P | IoctlModes.MP | IoctlModes.ControlDevice)) != (IoctlModes.P2P | IoctlModes.MP | IoctlModes.ControlDevice))
        .ToArray();

    private static NtStatus Call(ref FakeDevice device, IoctlModes mode, uint code, int inputLength, int outputLength, out int bytesReturned,
        byte fill = 0)
    {
        var input = new byte[inputLength];
        var output = new byte[outputLength];
        Array.Fill(output, fill);
        bytesReturned = 77;
        return TestDriver.DispatchIoctl(ref device, mode, code, input, output, ref bytesReturned);
    }

    private static IoctlModes AllowedMode(IoctlInfo info) => (info.Modes & IoctlModes.P2P) != 0 ? IoctlModes.P2P : IoctlModes.MP;

    [Test]
    public void TheTableMatchesTheUapiDeclarations()
    {
        Assert.That(TestDriver.IoctlCount, Is.EqualTo(19));
        for (int i = 0; i < TestDriver.IoctlCount; i++)
        {
            uint code = TestDriver.IoctlCodeAt(i);
            var info = UapiCatalog.Find(code);
            Assert.That(info, Is.Not.Null, $"row {i}: 0x{code:X8}");
            Assert.That(TestDriver.TryGetIoctlEntry(code, out var entry), Is.True);
            Assert.Multiple(() =>
            {
                Assert.That(entry.Code, Is.EqualTo(code));
                Assert.That(entry.Function, Is.EqualTo(info!.Function));
                Assert.That(entry.MinInput, Is.EqualTo(info.MinInput), info.CName);
                Assert.That(entry.MinOutput, Is.EqualTo(info.MinOutput), info.CName);
                Assert.That(entry.Modes, Is.EqualTo(info.Modes), info.CName);
            });
        }
        Assert.That(Enumerable.Range(0, TestDriver.IoctlCount).Select(TestDriver.IoctlCodeAt), Is.EqualTo(Ioctls.Select(i => i.Code)),
            "rows in function order");
        Assert.That(TestDriver.IoctlCodeAt(TestDriver.IoctlCount), Is.EqualTo(0u));
        Assert.That(TestDriver.TryGetIoctlEntry(0x00220050, out var none), Is.False);
        Assert.That(none, Is.EqualTo(default(IoctlEntry)));
    }

    [TestCase(0x00220050u)] // function 20: not defined
    [TestCase(0x00220000u)] // function 0
    [TestCase(0x00120004u)] // NEW_PEER's function on another device type
    [TestCase(0x00220005u)] // NEW_PEER with METHOD_IN_DIRECT
    [TestCase(0x0022C004u)] // NEW_PEER with read/write access
    public void UnknownCodesAreInvalidDeviceRequests(uint code)
    {
        var device = FakeDevice.Create();
        Assert.That(Call(ref device, IoctlModes.P2P, code, 256, 256, out int n), Is.EqualTo(NtStatus.InvalidDeviceRequest));
        Assert.That(Call(ref device, IoctlModes.MP, code, 256, 256, out _), Is.EqualTo(NtStatus.InvalidDeviceRequest));
        Assert.That(n, Is.EqualTo(0), "bytesReturned is reset");
        Assert.That(device.Calls, Is.EqualTo(0));
    }

    [TestCaseSource(nameof(IoctlsRefusedSomewhere))]
    public void WrongModeIsAnInvalidDeviceState(IoctlInfo info)
    {
        int refused = 0;
        foreach (var mode in new[] { IoctlModes.P2P, IoctlModes.MP, IoctlModes.ControlDevice })
        {
            if ((info.Modes & mode) != 0)
                continue;
            var device = FakeDevice.Create();
            // Mode is checked before sizes: even an empty input gives the wrong-mode status (upstream's
            // INVALID_DEVICE_STATE = ERROR_BAD_COMMAND; the control device knows only GET_VERSION: INVALID_DEVICE_REQUEST).
            var expected = mode == IoctlModes.ControlDevice ? NtStatus.InvalidDeviceRequest : NtStatus.InvalidDeviceState;
            Assert.That(Call(ref device, mode, info.Code, 0, 0, out _), Is.EqualTo(expected), $"{info.CName} in {mode}");
            Assert.That(device.Calls, Is.EqualTo(0));
            refused++;
        }
        Assert.That(refused, Is.GreaterThan(0), $"{info.CName} is refused in at least one mode");
    }

    [Test]
    public void EveryIoctlIsCheckedForWrongModeExceptGetVersion()
    {
        // GET_VERSION is allowed in every mode, so it has no wrong-mode case; every other IOCTL has one.
        Assert.That(Ioctls.Select(i => i.CName).Except(IoctlsRefusedSomewhere.Select(i => i.CName)), Is.EqualTo(new[] { "OVPN_IOCTL_GET_VERSION" }));
    }

    [Test]
    public void TheControlDeviceAnswersOnlyGetVersion()
    {
        var allowed = Ioctls.Where(i => (i.Modes & IoctlModes.ControlDevice) != 0).Select(i => i.CName);
        Assert.That(allowed, Is.EqualTo(new[] { "OVPN_IOCTL_GET_VERSION" }));
        var device = FakeDevice.Create();
        Assert.That(Call(ref device, IoctlModes.ControlDevice, OvpnIoctl.GetVersion, 0, 12, out int n), Is.EqualTo(NtStatus.Success));
        Assert.That(n, Is.EqualTo(12));
    }

    [TestCaseSource(nameof(IoctlsWithInput))]
    public void ShortInputIsBufferTooSmall(IoctlInfo info)
    {
        foreach (int length in new[] { 0, info.MinInput - 1 })
        {
            var device = FakeDevice.Create();
            var status = Call(ref device, AllowedMode(info), info.Code, length, info.MinOutput, out int n);
            Assert.That(status, Is.EqualTo(NtStatus.BufferTooSmall), $"{info.CName} with {length} input bytes");
            Assert.That(device.Calls, Is.EqualTo(0), "the handler did not run");
            Assert.That(n, Is.EqualTo(0));
        }
    }

    [TestCaseSource(nameof(IoctlsWithOutput))]
    public void ShortOutputIsBufferTooSmall(IoctlInfo info)
    {
        foreach (int length in new[] { 0, info.MinOutput - 1 })
        {
            var device = FakeDevice.Create();
            var status = Call(ref device, AllowedMode(info), info.Code, info.MinInput, length, out _);
            Assert.That(status, Is.EqualTo(NtStatus.BufferTooSmall), $"{info.CName} with {length} output bytes");
            Assert.That(device.Calls, Is.EqualTo(0), "the handler did not run");
        }
    }

    [TestCaseSource(nameof(Ioctls))]
    public void ExactAndLongerBuffersReachTheHandler(IoctlInfo info)
    {
        foreach (int extra in new[] { 0, 1, 100 })
        {
            var device = FakeDevice.Create();
            device.Events.Enqueue(default);
            Call(ref device, AllowedMode(info), info.Code, info.MinInput + extra, info.MinOutput + extra, out _);
            Assert.That(device.Calls, Is.EqualTo(1), $"{info.CName} +{extra}");
        }
    }

    [Test]
    public void OnlyTheOutputStructIsZeroedBeforeTheHandlerRuns()
    {
        var device = FakeDevice.Create();
        var output = new byte[40];
        Array.Fill(output, (byte)0xCC);
        int n = 0;
        Assert.That(TestDriver.DispatchIoctl(ref device, IoctlModes.P2P, OvpnIoctl.GetVersion, default, output, ref n), Is.EqualTo(NtStatus.Success));
        Assert.That(n, Is.EqualTo(12));
        Assert.That(output.AsSpan(12).ToArray(), Is.All.EqualTo(0xCC), "bytes past the struct are the caller's: not written");
        Assert.That(BitConverter.ToInt32(output, 0), Is.EqualTo(TestDriver.Version.Major));

        // A request without an output struct returns nothing: its buffer is not touched.
        Array.Fill(output, (byte)0xCC);
        Assert.That(TestDriver.DispatchIoctl(ref device, IoctlModes.P2P, OvpnIoctl.DelPeer, default, output, ref n), Is.EqualTo(NtStatus.Success));
        Assert.That(output, Is.All.EqualTo(0xCC));
    }

    [Test]
    public void FailedChecksLeaveTheOutputAlone()
    {
        var device = FakeDevice.Create();
        var output = new byte[8];
        Array.Fill(output, (byte)0xCC);
        int n = 0;
        Assert.That(TestDriver.DispatchIoctl(ref device, IoctlModes.P2P, OvpnIoctl.GetVersion, default, output, ref n), Is.EqualTo(NtStatus.BufferTooSmall));
        Assert.That(output, Is.All.EqualTo(0xCC));
    }

    [Test]
    public void HandlerStatusIsReturned()
    {
        var device = FakeDevice.Create();
        Assert.That(Call(ref device, IoctlModes.P2P, OvpnIoctl.SwapKeys, 0, 0, out _), Is.EqualTo(NtStatus.InvalidDeviceRequest), "no peer yet");
        Assert.That(device.Calls, Is.EqualTo(1), "the handler ran and refused");
        Assert.That(Call(ref device, IoctlModes.MP, OvpnIoctl.NotifyEvent, 0, 144, out _), Is.EqualTo(NtStatus.Pending));
    }
}
