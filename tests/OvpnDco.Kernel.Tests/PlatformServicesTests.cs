using System;
using System.Security.Cryptography;
using OvpnDco.Driver.Kernel;
using OvpnDco.Kernel.Tests.Simulation;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Kernel.Tests;

/// <summary>
/// WindowsPlatform's services on the simulated WDK: pool (tags, failures, no leaks), EX_SPIN_LOCK, the clock and the
/// timer's relative due time, CNG AEAD (checked against .NET's own AES-GCM/ChaCha20-Poly1305 and by tampering) and
/// HKDF-Expand (RFC 5869's known answer).
/// </summary>
public unsafe class PlatformServicesTests
{
    private SimDevice _device = null!;

    [SetUp]
    public void SetUp() => _device = new SimDevice();

    [TearDown]
    public void TearDown() => _device.Dispose();

    [Test]
    public void PoolFailureAtEveryAllocationOfDeviceOpenFailsCleanly()
    {
        // How many allocations a successful open makes, then fail each one of them in turn.
        Assert.That(_device.Open(), Is.EqualTo(NtStatus.Success));
        _device.Cleanup();
        Assert.That(SimWdk.S.Live, Is.Empty, "a closed device leaves no pool behind");
        int allocations = SimWdk.S.Allocations;
        Assert.That(allocations, Is.GreaterThan(3));
        for (int n = 1; n <= allocations; n++)
        {
            SimWdk.S.Allocations = 0;
            SimWdk.S.FailAllocationAt = n;
            Assert.That(_device.Open(), Is.EqualTo(NtStatus.InsufficientResources), $"allocation {n} of {allocations} fails");
            Assert.That(_device.Ctx->State == null);
            Assert.That(SimWdk.S.Live, Is.Empty, $"nothing leaks when allocation {n} fails");
        }
        SimWdk.S.FailAllocationAt = -1;
        Assert.That(_device.Open(), Is.EqualTo(NtStatus.Success), "and the device opens again once memory is back");
    }

    [Test]
    public void LocksLiveInPoolAndRestoreTheIrql()
    {
        nint handle;
        Assert.That(WindowsPlatform<SimWdk, SimKm>.LockInit(&handle), Is.Zero);
        Assert.That(SimWdk.S.Live[handle], Is.EqualTo(KernelTags.Lock));
        var previous = WindowsPlatform<SimWdk, SimKm>.LockAcquire(handle);
        Assert.That(SimWdk.S.Irql, Is.EqualTo(2));
        WindowsPlatform<SimWdk, SimKm>.LockRelease(handle, previous);
        Assert.That(SimWdk.S.Irql, Is.Zero);
        var a = WindowsPlatform<SimWdk, SimKm>.LockAcquireShared(handle);
        var b = WindowsPlatform<SimWdk, SimKm>.LockAcquireShared(handle);
        WindowsPlatform<SimWdk, SimKm>.LockReleaseShared(handle, b);
        WindowsPlatform<SimWdk, SimKm>.LockReleaseShared(handle, a);
        Assert.That(SimWdk.S.Irql, Is.Zero);
        WindowsPlatform<SimWdk, SimKm>.LockDestroy(&handle);
        Assert.That(handle, Is.EqualTo((nint)0));
        Assert.That(SimWdk.S.Live, Is.Empty);
        SimWdk.S.FailAllAllocations = true;
        Assert.That(WindowsPlatform<SimWdk, SimKm>.LockInit(&handle), Is.EqualTo(-1));
    }

    [Test]
    public void TimerIsArmedRelativeInHundredNanosecondUnits()
    {
        SimWdk.S.InterruptTime = 5_000_000_000;   // 500 s
        Assert.That(WindowsPlatform<SimWdk, SimKm>.NowMs(), Is.EqualTo(500_000));
        WindowsPlatform<SimWdk, SimKm>.TimerArm((nint)_device.Ctx, 500_250);
        Assert.That(SimWdk.S.TimerDue, Is.EqualTo(5_000_000_000 + 2_500_000));
        WindowsPlatform<SimWdk, SimKm>.TimerArm((nint)_device.Ctx, 499_000); // overdue: now
        Assert.That(SimWdk.S.TimerDue, Is.EqualTo(5_000_000_000));
        WindowsPlatform<SimWdk, SimKm>.TimerCancel((nint)_device.Ctx);
        Assert.That(SimWdk.S.TimerDue, Is.Null);
    }

    /// <summary>The control device's state (\\.\ovpn-dco-ver) has no timer: arming it is a no-op, not a WDF call on NULL.</summary>
    [Test]
    public void AContextWithoutATimerIsNeverArmed()
    {
        _device.Ctx->Timer = default;
        WindowsPlatform<SimWdk, SimKm>.TimerArm((nint)_device.Ctx, 1);
        WindowsPlatform<SimWdk, SimKm>.TimerCancel((nint)_device.Ctx);
        Assert.That(SimWdk.S.TimerStarts, Is.Zero);
    }

    /// <summary>GET_VERSION on the control device goes through the same dispatch with the control-device mode.</summary>
    [Test]
    public void ControlDeviceAnswersGetVersion()
    {
        Assert.That(_device.Open(), Is.EqualTo(NtStatus.Success));
        var r = SimWdk.S.NewRequest(0, 64);
        WindowsDevice<SimWdk, SimKm>.OnDeviceControl(_device.Ctx, r, 64, 0, OvpnIoctl.GetVersion, true);
        Assert.That(SimWdk.S[r].Status, Is.EqualTo((int)NtStatus.Success));
        Assert.That(SimWdk.S[r].Information, Is.EqualTo(12), "OVPN_VERSION: three LONGs");
        Assert.That(System.BitConverter.ToInt32(SimWdk.S[r].Output!.Span), Is.EqualTo(OvpnDco.Driver.Proto.VersionMajor));
        var other = SimWdk.S.NewRequest(0, 64);
        WindowsDevice<SimWdk, SimKm>.OnDeviceControl(_device.Ctx, other, 64, 0, OvpnIoctl.GetStats, true);
        Assert.That(SimWdk.S[other].Status, Is.Not.EqualTo((int)NtStatus.Success), "only GET_VERSION on the control device");
    }

    [TestCase(OvpnCipherAlg.AesGcm, 16)]
    [TestCase(OvpnCipherAlg.AesGcm, 32)]
    [TestCase(OvpnCipherAlg.ChaCha20Poly1305, 32)]
    public void AeadSealsWhatDotNetOpensAndRejectsTampering(OvpnCipherAlg alg, int keyLength)
    {
        var key = RandomNumberGenerator.GetBytes(keyLength);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var aad = RandomNumberGenerator.GetBytes(8);
        var plain = RandomNumberGenerator.GetBytes(1000);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        nint handle;
        fixed (byte* k = key)
            Assert.That(WindowsPlatform<SimWdk, SimKm>.AeadCreate((int)alg, k, key.Length, &handle), Is.Zero);
        fixed (byte* n = nonce, a = aad, p = plain, c = cipher, t = tag)
            Assert.That(WindowsPlatform<SimWdk, SimKm>.AeadSeal(handle, n, a, aad.Length, p, plain.Length, c, t), Is.True);

        var expected = new byte[plain.Length];
        if (alg == OvpnCipherAlg.AesGcm)
        {
            using var reference = new AesGcm(key, 16);
            reference.Decrypt(nonce, cipher, tag, expected, aad);
        }
        else
        {
            using var reference = new ChaCha20Poly1305(key);
            reference.Decrypt(nonce, cipher, tag, expected, aad);
        }
        Assert.That(expected, Is.EqualTo(plain), "what the platform sealed opens with .NET's own AEAD");

        var opened = new byte[plain.Length];
        fixed (byte* n = nonce, a = aad, c = cipher, t = tag, o = opened)
        {
            Assert.That(WindowsPlatform<SimWdk, SimKm>.AeadOpen(handle, n, a, aad.Length, c, cipher.Length, t, o), Is.True);
            Assert.That(opened, Is.EqualTo(plain));
            t[3] ^= 1;
            Assert.That(WindowsPlatform<SimWdk, SimKm>.AeadOpen(handle, n, a, aad.Length, c, cipher.Length, t, o), Is.False, "tampered tag");
            t[3] ^= 1;
            a[0] ^= 1;
            Assert.That(WindowsPlatform<SimWdk, SimKm>.AeadOpen(handle, n, a, aad.Length, c, cipher.Length, t, o), Is.False, "other AAD");
        }
        WindowsPlatform<SimWdk, SimKm>.AeadDestroy(&handle);
        Assert.That(handle, Is.EqualTo((nint)0));
        Assert.That(SimWdk.S.Keys, Is.Empty, "the CNG key object is destroyed");
    }

    [Test]
    public void AeadCreateRefusesNoneAndReportsCngFailure()
    {
        var key = new byte[32];
        nint handle;
        fixed (byte* k = key)
        {
            Assert.That(WindowsPlatform<SimWdk, SimKm>.AeadCreate((int)OvpnCipherAlg.None, k, 32, &handle), Is.EqualTo(-1));
            Assert.That(WindowsPlatform<SimWdk, SimKm>.AeadCreate((int)OvpnCipherAlg.ChaCha20Poly1305, k, 16, &handle), Is.LessThan(0).And.Not.EqualTo(-1),
                "a 16-byte ChaCha20 key is CNG's error");
            SimWdk.S.FailKeyCreation = true;
            Assert.That(WindowsPlatform<SimWdk, SimKm>.AeadCreate((int)OvpnCipherAlg.AesGcm, k, 16, &handle), Is.EqualTo((int)NtStatus.InsufficientResources));
        }
        Assert.That(handle, Is.EqualTo((nint)0));
    }

    /// <summary>RFC 5869 test case 1, the Expand step (PRK and OKM given there).</summary>
    [Test]
    public void HkdfExpandMatchesRfc5869()
    {
        var prk = Convert.FromHexString("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
        var info = Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9");
        var okm = new byte[42];
        fixed (byte* p = prk, i = info, o = okm)
            Assert.That(WindowsPlatform<SimWdk, SimKm>.HkdfExpandSha256(p, prk.Length, i, info.Length, o, okm.Length), Is.Zero);
        Assert.That(Convert.ToHexStringLower(okm),
            Is.EqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"));
        Assert.That(SimWdk.S.Keys, Is.Empty, "the HKDF key object is destroyed");
    }
}
