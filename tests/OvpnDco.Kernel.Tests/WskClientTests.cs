using OvpnDco.Driver.Kernel;
using OvpnDco.Kernel.Tests.Simulation;
using OvpnDco.Wdk;

namespace OvpnDco.Kernel.Tests;

/// <summary>
/// WSK registration on the simulated WSK subsystem: register + capture at PASSIVE_LEVEL with a bounded wait, release
/// before deregister, and each failure undone (a failed capture deregisters; a failed register leaves nothing).
/// </summary>
public unsafe class WskClientTests
{
    private BareContext _device = null!;

    [SetUp]
    public void SetUp() => _device = new BareContext();

    [TearDown]
    public void TearDown() => _device.Dispose();

    [Test]
    public void RegistersCapturesAndUndoesInOrder()
    {
        var ctx = _device.Ctx;
        Assert.That(WskClient<SimWdk>.Register(ctx), Is.EqualTo(NTSTATUS.STATUS_SUCCESS));
        Assert.That(ctx->WskRegistered, Is.EqualTo(1));
        Assert.That(SimWdk.S.Wsk.Registrations, Does.Contain((nint)(&ctx->WskRegistration)));
        Assert.That(SimWdk.S.Wsk.ClientContext, Is.EqualTo((nint)ctx), "the client context is the device's");
        Assert.That(SimWdk.S.Wsk.Captures, Is.EqualTo(1));
        Assert.That(SimWdk.S.Wsk.CaptureWaits, Is.EqualTo(new[] { WskClient<SimWdk>.CaptureTimeoutMs }), "a bounded wait, not WSK_INFINITE_WAIT");
        Assert.That(ctx->WskProvider.Client.Value, Is.Not.EqualTo((nint)0));

        // The simulated WskDeregister fails the test if the NPI is still captured: the order is checked there.
        WskClient<SimWdk>.Unregister(ctx);
        Assert.That(SimWdk.S.Wsk.Captures, Is.Zero);
        Assert.That(SimWdk.S.Wsk.Registrations, Is.Empty);
        WskClient<SimWdk>.Unregister(ctx); // twice: nothing more (device cleanup after a failed add)
        Assert.That(SimWdk.S.Wsk.Registrations, Is.Empty);
    }

    [Test]
    public void AFailedRegisterLeavesNothingRegistered()
    {
        SimWdk.S.Wsk.RegisterStatus = unchecked((int)0xC0000001);
        Assert.That((int)WskClient<SimWdk>.Register(_device.Ctx), Is.EqualTo(unchecked((int)0xC0000001)), "the failure is device add's result");
        Assert.That(_device.Ctx->WskRegistered, Is.Zero);
        Assert.That(SimWdk.S.Wsk.CaptureWaits, Is.Empty, "no capture without a registration");
        WskClient<SimWdk>.Unregister(_device.Ctx);
        Assert.That(SimWdk.S.Wsk.Registrations, Is.Empty);
    }

    [Test]
    public void AFailedCaptureDeregisters()
    {
        SimWdk.S.Wsk.CaptureStatus = unchecked((int)0xC0000102); // STATUS_TIMEOUT-like failure of the bounded wait
        Assert.That((int)WskClient<SimWdk>.Register(_device.Ctx), Is.EqualTo(unchecked((int)0xC0000102)));
        Assert.That(_device.Ctx->WskRegistered, Is.Zero);
        Assert.That(SimWdk.S.Wsk.Registrations, Is.Empty, "the registration is undone when the capture fails");
        Assert.That(SimWdk.S.Wsk.Captures, Is.Zero);
    }

    [Test]
    public void RegistrationOutsidePassiveLevelIsCaught()
    {
        // The simulation enforces what OVD0016 checks statically: at DISPATCH_LEVEL WskRegister is an error.
        SimWdk.S.Irql = 2;
        Assert.That(() => WskClient<SimWdk>.Register(_device.Ctx), Throws.InstanceOf<NUnit.Framework.AssertionException>());
        SimWdk.S.Irql = 0;
    }
}
