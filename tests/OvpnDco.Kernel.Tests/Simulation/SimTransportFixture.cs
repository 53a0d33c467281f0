using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Kernel.Tests.Simulation;

/// <summary>
/// What the transport tests start from: a fresh simulated machine with one device whose handle is open, and the
/// adapter's receive rings (16 slots) in place; disposing the device checks that nothing leaked and the provider saw
/// no misuse.
/// </summary>
public abstract unsafe class SimTransportFixture
{
    protected SimDevice _device = null!;
    protected SimRingSet _rx = null!;

    protected static SimWskState W => SimWdk.S.Wsk;

    [SetUp]
    public void SetUpDevice()
    {
        _device = new SimDevice();
        _rx = new SimRingSet(16);
        SimWdk.S.RxRings = _rx.Rings;
        SimWdk.S.VirtualAddresses = _rx.VirtualAddresses;
        Assert.That(_device.Open(), Is.EqualTo(NtStatus.Success));
    }

    [TearDown]
    public void TearDownDevice()
    {
        _device.Dispose();
        _rx.Dispose();
    }
}
