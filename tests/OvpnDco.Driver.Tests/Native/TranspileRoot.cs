using System;
using OvpnDco.Driver;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests.Native;

/// <summary>A stub IPlatform over [Import]ed C functions: only for transpiling the core (never called under .NET).</summary>
public unsafe struct StubPlatform : IPlatform
{
    [Import("stub_alloc")] static extern void* RawAlloc(nuint size);
    [Import("stub_free")] static extern void RawFree(void* p);
    [Import("stub_now")] static extern long RawNow();
    [Import("stub_send")] static extern int RawSend(nint ctx, byte* data, int len);
    [Import("stub_seal")] static extern int RawSeal(nint key, byte* nonce, byte* aad, int aadLen, byte* pt, int len, byte* ct, byte* tag);
    [Import("stub_open")] static extern int RawOpen(nint key, byte* nonce, byte* aad, int aadLen, byte* ct, int len, byte* tag, byte* pt);

    public static void* Alloc(nuint size, uint tag) => RawAlloc(size);
    public static void Free(void* memory, uint tag) => RawFree(memory);
    public static NtStatus LockInit(ref PlatformLock l)
    {
        l.Value = 0;
        return NtStatus.Success;
    }
    public static byte LockAcquire(ref PlatformLock l) { l.Value = 1; return 0; }
    public static void LockRelease(ref PlatformLock l, byte previous) => l.Value = 0;
    public static byte LockAcquireShared(ref PlatformLock l) { l.Value = 2; return 0; }
    public static void LockReleaseShared(ref PlatformLock l, byte previous) => l.Value = 0;
    public static void LockDestroy(ref PlatformLock l) { }
    public static long NowMs() => RawNow();
    public static int CurrentProcessor() => 0;
    public static void TimerArm(nint context, long dueMs) { }
    public static void TimerCancel(nint context) { }
    public static NtStatus AeadKeyCreate(OvpnCipherAlg alg, ReadOnlySpan<byte> key, out nint handle) { handle = 1; return NtStatus.Success; }
    public static void AeadKeyDestroy(nint handle) { }
    public static NtStatus HkdfExpandSha256(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> output) { output.Clear(); return NtStatus.Success; }
    public static bool AeadSeal(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag)
    {
        fixed (byte* n = nonce) fixed (byte* a = aad) fixed (byte* p = plaintext) fixed (byte* c = ciphertext) fixed (byte* t = tag)
            return RawSeal(key, n, a, aad.Length, p, plaintext.Length, c, t) != 0;
    }
    public static bool AeadOpen(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        fixed (byte* n = nonce) fixed (byte* a = aad) fixed (byte* p = plaintext) fixed (byte* c = ciphertext) fixed (byte* t = tag)
            return RawOpen(key, n, a, aad.Length, c, ciphertext.Length, t, p) != 0;
    }
    public static NtStatus TransportOpen(nint context, OvpnProto proto, in SockAddrInet local, in SockAddrInet remote) => NtStatus.Success;
    public static NtStatus TransportListen(nint context, in SockAddrInet listen, bool ipv6Only) => NtStatus.Success;
    public static void TransportClose(nint context) { }
    public static byte* TransportBuffer(nint context, int size) => (byte*)RawAlloc((nuint)size);
    public static void TransportBufferRelease(nint context, byte* buffer) => RawFree(buffer);
    public static byte* AdapterBuffer(nint context, int size) => (byte*)RawAlloc((nuint)size);
    public static void AdapterBufferRelease(nint context, byte* buffer) => RawFree(buffer);
    public static NtStatus TransportSend(nint context, OvpnProto proto, in SockAddrInet remote, ReadOnlySpan<byte> data)
    {
        int rc;
        fixed (byte* d = data)
        {
            rc = RawSend(context, d, data.Length);
            RawFree(d);
        }
        return rc == 0 ? NtStatus.Success : NtStatus.Unsuccessful;
    }
    public static void AdapterDeliver(nint context, ReadOnlySpan<byte> ipPacket)
    {
        fixed (byte* d = ipPacket)
        {
            RawSend(context, d, ipPacket.Length);
            RawFree(d);
        }
    }
    public static void AdapterSetLink(nint context, bool connected) { }
    public static void CompleteRead(nint context, nint request, NtStatus status, ReadOnlySpan<byte> data) { }
    public static void CompletePending(nint context, PendingKind kind, NtStatus status, ReadOnlySpan<byte> output) { }
    public static void Trace(TraceLevel level, string message, long a, long b) { }
}

/// <summary>Non-generic root that reaches every Driver entry point (ovpn-il2c --entry).</summary>
public static unsafe class TranspileRoot
{
    public static int Entry(byte* buf, int len)
    {
        // What a platform's DriverEntry and unload do around the driver's lifetime (the generated trace provider).
        if (DriverTrace<StubPlatform>.RegisterProvider() != 0) return -2;
        DriverState* s = Driver<StubPlatform>.Create(1);
        if (s == null) return -1;
        int bytes = 0;
        var span = new Span<byte>(buf, len);
        Driver<StubPlatform>.DeviceIoControl(s, 0x00220004, span, span, ref bytes, false);
        SockAddrInet from = default;
        Driver<StubPlatform>.OnTransportReceive(s, span, from);
        Driver<StubPlatform>.OnTransportStream(s, span);
        Driver<StubPlatform>.OnTransportConnected(s, NtStatus.Success);
        Driver<StubPlatform>.OnTransportDisconnected(s);
        Driver<StubPlatform>.OnAdapterTransmit(s, span);
        Driver<StubPlatform>.ReadControl(s, 5, span, out int n);
        Driver<StubPlatform>.CancelRead(s, 5);
        Driver<StubPlatform>.WriteControl(s, span);
        Driver<StubPlatform>.CancelPending(s, PendingKind.NotifyEvent);
        Driver<StubPlatform>.OnTimer(s);
        StaticKey.Parse(span, 0, out var data);
        Driver<StubPlatform>.Destroy(s);
        DriverTrace<StubPlatform>.UnregisterProvider();
        return n + bytes;
    }
}
