using System;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Binding;

/// <summary>
/// IPlatform over a C backend: every member forwards to <typeparamref name="TImports"/> (the hosted backend on
/// POSIX + OpenSSL, or the kernel backend on the WDK). Spans become pointer + length; spin locks hand back what the
/// backend returned on acquire (the previous IRQL in the kernel).
/// </summary>
public unsafe struct BoundPlatform<TImports> : IPlatform
    where TImports : IPlatformImports
{
    public static void* Alloc(nuint size, uint tag) => TImports.Alloc(size, tag);

    public static void Free(void* memory, uint tag) => TImports.Free(memory, tag);

    public static NtStatus LockInit(ref PlatformLock l)
    {
        fixed (nint* handle = &l.Handle)
            l.Value = TImports.LockInit(handle);
        return l.Value == 0 ? NtStatus.Success : NtStatus.InsufficientResources;
    }

    public static byte LockAcquire(ref PlatformLock l) => TImports.LockAcquire(l.Handle);

    public static void LockRelease(ref PlatformLock l, byte previous) => TImports.LockRelease(l.Handle, previous);

    public static byte LockAcquireShared(ref PlatformLock l) => TImports.LockAcquireShared(l.Handle);

    public static void LockReleaseShared(ref PlatformLock l, byte previous) => TImports.LockReleaseShared(l.Handle, previous);

    public static void LockDestroy(ref PlatformLock l)
    {
        fixed (nint* handle = &l.Handle)
            TImports.LockDestroy(handle);
    }

    public static long NowMs() => TImports.NowMs();

    public static int CurrentProcessor() => TImports.CurrentProcessor();

    public static void TimerArm(nint context, long dueMs) => TImports.TimerArm(context, dueMs);

    public static void TimerCancel(nint context) => TImports.TimerCancel(context);

    public static NtStatus AeadKeyCreate(OvpnCipherAlg alg, ReadOnlySpan<byte> key, out nint handle)
    {
        nint created = 0;
        int rc;
        fixed (byte* k = key)
            rc = TImports.AeadCreate((int)alg, k, key.Length, &created);
        handle = created;
        return rc == 0 ? NtStatus.Success : rc == -1 ? NtStatus.InvalidDeviceRequest : NtStatus.InsufficientResources;
    }

    public static void AeadKeyDestroy(nint handle) => TImports.AeadDestroy(&handle);

    public static bool AeadSeal(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext, Span<byte> tag)
    {
        if (nonce.Length != 12 || tag.Length < 16 || ciphertext.Length < plaintext.Length)
            return false;
        fixed (byte* n = nonce, a = aad, p = plaintext, c = ciphertext, t = tag)
            return TImports.AeadSeal(key, n, a, aad.Length, p, plaintext.Length, c, t);
    }

    public static bool AeadOpen(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        if (nonce.Length != 12 || tag.Length < 16 || plaintext.Length < ciphertext.Length)
            return false;
        fixed (byte* n = nonce, a = aad, c = ciphertext, t = tag, p = plaintext)
            return TImports.AeadOpen(key, n, a, aad.Length, c, ciphertext.Length, t, p);
    }

    public static NtStatus HkdfExpandSha256(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> output)
    {
        fixed (byte* k = prk, i = info, o = output)
            return TImports.HkdfExpandSha256(k, prk.Length, i, info.Length, o, output.Length) == 0 ? NtStatus.Success : NtStatus.Unsuccessful;
    }

    public static NtStatus TransportOpen(nint context, OvpnProto proto, in SockAddrInet local, in SockAddrInet remote)
    {
        fixed (SockAddrInet* l = &local, r = &remote)
            return (NtStatus)TImports.TransportOpen(context, (int)proto, l, r);
    }

    public static NtStatus TransportListen(nint context, in SockAddrInet listen, bool ipv6Only)
    {
        fixed (SockAddrInet* l = &listen)
            return (NtStatus)TImports.TransportListen(context, l, ipv6Only);
    }

    public static void TransportClose(nint context) => TImports.TransportClose(context);

    public static byte* TransportBuffer(nint context, int size) => TImports.TransportBuffer(context, size);

    public static void TransportBufferRelease(nint context, byte* buffer) => TImports.TransportBufferRelease(context, buffer);

    public static byte* AdapterBuffer(nint context, int size) => TImports.AdapterBuffer(context, size);

    public static void AdapterBufferRelease(nint context, byte* buffer) => TImports.AdapterBufferRelease(context, buffer);

    public static NtStatus TransportSend(nint context, OvpnProto proto, in SockAddrInet remote, ReadOnlySpan<byte> data)
    {
        fixed (SockAddrInet* r = &remote)
        fixed (byte* d = data)
            return (NtStatus)TImports.TransportSend(context, (int)proto, r, d, data.Length);
    }

    public static void AdapterDeliver(nint context, ReadOnlySpan<byte> ipPacket)
    {
        fixed (byte* p = ipPacket)
            TImports.AdapterDeliver(context, p, ipPacket.Length);
    }

    public static void AdapterSetLink(nint context, bool connected) => TImports.AdapterSetLink(context, connected);

    public static void CompleteRead(nint context, nint request, NtStatus status, ReadOnlySpan<byte> data)
    {
        fixed (byte* d = data)
            TImports.CompleteRead(context, request, (int)status, d, data.Length);
    }

    public static void CompletePending(nint context, PendingKind kind, NtStatus status, ReadOnlySpan<byte> output)
    {
        fixed (byte* o = output)
            TImports.CompletePending(context, (int)kind, (int)status, o, output.Length);
    }

    // The message is a string literal from the driver, passed through to the C trace sink as a C string.
#pragma warning disable OVD0009
    public static void Trace(TraceLevel level, string message, long a, long b) => TImports.Trace(level, message, a, b);
#pragma warning restore OVD0009
}
