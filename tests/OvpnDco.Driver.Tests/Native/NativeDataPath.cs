using System;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests.Native;

/// <summary>
/// IPlatform for the native data-path test: every member is an [Import] implemented by the test's C main
/// (which uses the hosted runtime's OpenSSL AEAD and tagged allocator). Never called under .NET.
/// </summary>
public unsafe struct NativePlatform : IPlatform
{
    [Import("nt_alloc")] private static extern void* NtAlloc(nuint size, uint tag);
    [Import("nt_free")] private static extern void NtFree(void* memory, uint tag);
    [Import("nt_now")] private static extern long NtNow();
    [Import("nt_timer_arm")] private static extern void NtTimerArm(nint context, long dueMs);
    [Import("nt_key_create")] private static extern int NtKeyCreate(int alg, byte* key, int length, nint* handle);
    [Import("nt_hkdf")] private static extern int NtHkdf(byte* prk, int prkLength, byte* info, int infoLength, byte* output, int outputLength);
    [Import("nt_key_destroy")] private static extern void NtKeyDestroy(nint handle);
    [Import("nt_seal")] private static extern int NtSeal(nint key, byte* nonce, byte* aad, int aadLength, byte* plaintext, int length, byte* ciphertext, byte* tag);
    [Import("nt_open")] private static extern int NtOpen(nint key, byte* nonce, byte* aad, int aadLength, byte* ciphertext, int length, byte* tag, byte* plaintext);
    [Import("nt_send")] private static extern int NtSend(nint context, int proto, byte* data, int length);
    [Import("nt_deliver")] private static extern void NtDeliver(nint context, byte* data, int length);
    [Import("nt_complete_read")] private static extern void NtCompleteRead(nint context, nint request, int status, byte* data, int length);
    [Import("nt_complete_pending")] private static extern void NtCompletePending(nint context, int kind, int status, byte* data, int length);

    public static void* Alloc(nuint size, uint tag) => NtAlloc(size, tag);

    public static void Free(void* memory, uint tag) => NtFree(memory, tag);

    public static NtStatus LockInit(ref PlatformLock l)
    {
        l.Value = 0;
        return NtStatus.Success;
    }

    public static byte LockAcquire(ref PlatformLock l)
    {
        l.Value = 1;
        return 0;
    }

    public static void LockRelease(ref PlatformLock l, byte previous) => l.Value = 0;

    // Single-threaded benchmark platform: the shared side is a plain store too, so instruction counts measure the driver.
    public static byte LockAcquireShared(ref PlatformLock l)
    {
        l.Value = 2;
        return 0;
    }

    public static void LockReleaseShared(ref PlatformLock l, byte previous) => l.Value = 0;

    public static void LockDestroy(ref PlatformLock l)
    {
    }

    public static long NowMs() => NtNow();

    public static int CurrentProcessor() => 0;

    public static void TimerArm(nint context, long dueMs) => NtTimerArm(context, dueMs);

    public static void TimerCancel(nint context) => NtTimerArm(context, 0);

    public static NtStatus AeadKeyCreate(OvpnCipherAlg alg, ReadOnlySpan<byte> key, out nint handle)
    {
        nint h = 0;
        int rc;
        fixed (byte* k = key)
            rc = NtKeyCreate((int)alg, k, key.Length, &h);
        handle = h;
        return rc == 0 ? NtStatus.Success : NtStatus.InsufficientResources;
    }

    public static void AeadKeyDestroy(nint handle) => NtKeyDestroy(handle);

    public static NtStatus HkdfExpandSha256(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> output)
    {
        fixed (byte* k = prk)
        fixed (byte* i = info)
        fixed (byte* o = output)
            return NtHkdf(k, prk.Length, i, info.Length, o, output.Length) == 0 ? NtStatus.Success : NtStatus.Unsuccessful;
    }

    public static bool AeadSeal(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext, Span<byte> tag)
    {
        fixed (byte* n = nonce)
        fixed (byte* a = aad)
        fixed (byte* p = plaintext)
        fixed (byte* c = ciphertext)
        fixed (byte* t = tag)
            return NtSeal(key, n, a, aad.Length, p, plaintext.Length, c, t) != 0;
    }

    public static bool AeadOpen(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        fixed (byte* n = nonce)
        fixed (byte* a = aad)
        fixed (byte* p = plaintext)
        fixed (byte* c = ciphertext)
        fixed (byte* t = tag)
            return NtOpen(key, n, a, aad.Length, c, ciphertext.Length, t, p) != 0;
    }

    public static NtStatus TransportOpen(nint context, OvpnProto proto, in SockAddrInet local, in SockAddrInet remote)
        => proto == OvpnProto.Tcp ? NtStatus.Pending : NtStatus.Success;

    public static NtStatus TransportListen(nint context, in SockAddrInet listen, bool ipv6Only) => NtStatus.Success;

    public static void TransportClose(nint context)
    {
    }

    // Packet buffers from the test allocator (whose live count the tests check): every buffer the driver takes must
    // come back through a send, a delivery or a release.
    public static byte* TransportBuffer(nint context, int size) => (byte*)NtAlloc((nuint)size, 0x66754270u);

    public static void TransportBufferRelease(nint context, byte* buffer) => NtFree(buffer, 0x66754270u);

    public static byte* AdapterBuffer(nint context, int size) => (byte*)NtAlloc((nuint)size, 0x66754270u);

    public static void AdapterBufferRelease(nint context, byte* buffer) => NtFree(buffer, 0x66754270u);

    public static NtStatus TransportSend(nint context, OvpnProto proto, in SockAddrInet remote, ReadOnlySpan<byte> data)
    {
        int rc;
        fixed (byte* d = data)
        {
            rc = NtSend(context, (int)proto, d, data.Length);
            NtFree(d, 0x66754270u);
        }
        return rc == 0 ? NtStatus.Success : NtStatus.Unsuccessful;
    }

    public static void AdapterDeliver(nint context, ReadOnlySpan<byte> ipPacket)
    {
        fixed (byte* d = ipPacket)
        {
            NtDeliver(context, d, ipPacket.Length);
            NtFree(d, 0x66754270u);
        }
    }

    public static void AdapterSetLink(nint context, bool connected)
    {
    }

    public static void CompleteRead(nint context, nint request, NtStatus status, ReadOnlySpan<byte> data)
    {
        fixed (byte* d = data)
            NtCompleteRead(context, request, (int)status, d, data.Length);
    }

    public static void CompletePending(nint context, PendingKind kind, NtStatus status, ReadOnlySpan<byte> output)
    {
        fixed (byte* d = output)
            NtCompletePending(context, (int)kind, (int)status, d, output.Length);
    }

    public static void Trace(TraceLevel level, string message, long a, long b)
    {
    }
}

/// <summary>C entry points of the native data-path test (compiled by ovpn-il2c from this test assembly).</summary>
public static unsafe class NativeExports
{
    [Export("nd_create")]
    public static byte* Create(nint context) => (byte*)Driver<NativePlatform>.Create(context);

    [Export("nd_destroy")]
    public static void Destroy(byte* state) => Driver<NativePlatform>.Destroy((DriverState*)state);

    [Export("nd_ioctl")]
    public static int Ioctl(byte* state, uint code, byte* input, int inputLength, byte* output, int outputLength, int* bytesReturned)
    {
        int n = 0;
        var status = Driver<NativePlatform>.DeviceIoControl((DriverState*)state, code, new ReadOnlySpan<byte>(input, inputLength),
            new Span<byte>(output, outputLength), ref n, false);
        *bytesReturned = n;
        return (int)status;
    }

    [Export("nd_rx")]
    public static void Receive(byte* state, byte* data, int length, byte* from)
    {
        SockAddrInet address = *(SockAddrInet*)from;
        Driver<NativePlatform>.OnTransportReceive((DriverState*)state, new ReadOnlySpan<byte>(data, length), address);
    }

    [Export("nd_tx")]
    public static int Transmit(byte* state, byte* data, int length)
        => (int)Driver<NativePlatform>.OnAdapterTransmit((DriverState*)state, new Span<byte>(data, length));

    [Export("nd_timer")]
    public static void Timer(byte* state) => Driver<NativePlatform>.OnTimer((DriverState*)state);

    [Export("nd_read")]
    public static int Read(byte* state, nint request, byte* buffer, int length, int* bytesRead)
    {
        var status = Driver<NativePlatform>.ReadControl((DriverState*)state, request, new Span<byte>(buffer, length), out int n);
        *bytesRead = n;
        return (int)status;
    }

    [Export("nd_stat")]
    public static long Stat(byte* state, int which)
    {
        ref DriverStats st = ref ((DriverState*)state)->Stats;
        switch (which)
        {
            case 0: return st.ReplayDuplicate;
            case 1: return st.AuthFailed;
            case 2: return st.PingsSent;
            case 3: return st.PingsReceived;
            default: return -1;
        }
    }
}
