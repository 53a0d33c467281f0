using System;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Hosted;

/// <summary>
/// IPlatform for the hosted build: memory, locks, time and AEAD from runtime-kernel/hosted (OpenSSL), transport,
/// adapter, completions and the timer from the embedding program (ovpn_host.h). Spans become pointer + length.
/// </summary>
public unsafe struct HostedPlatform : IPlatform
{
    public static void* Alloc(nuint size, uint tag) => HostedImports.Alloc(size, tag);

    public static void Free(void* memory, uint tag) => HostedImports.Free(memory, tag);

    public static void LockInit(ref PlatformLock l)
    {
        fixed (nint* handle = &l.Handle)
            l.Value = HostedImports.LockInit(handle);
    }

    public static byte LockAcquire(ref PlatformLock l)
    {
        HostedImports.LockAcquire(l.Handle);
        return 0;
    }

    public static void LockRelease(ref PlatformLock l, byte previous) => HostedImports.LockRelease(l.Handle);

    public static void LockDestroy(ref PlatformLock l)
    {
        fixed (nint* handle = &l.Handle)
            HostedImports.LockDestroy(handle);
    }

    public static long NowMs() => HostedImports.NowMs();

    public static void TimerArm(nint context, long dueMs) => HostedImports.TimerArm(context, dueMs);

    public static void TimerCancel(nint context) => HostedImports.TimerCancel(context);

    public static NtStatus AeadKeyCreate(OvpnCipherAlg alg, ReadOnlySpan<byte> key, out nint handle)
    {
        nint created = 0;
        int rc;
        fixed (byte* k = key)
            rc = HostedImports.AeadCreate((int)alg, k, key.Length, &created);
        handle = created;
        return rc == 0 ? NtStatus.Success : rc == -1 ? NtStatus.InvalidDeviceRequest : NtStatus.InsufficientResources;
    }

    public static void AeadKeyDestroy(nint handle) => HostedImports.AeadDestroy(&handle);

    public static bool AeadSeal(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext, Span<byte> tag)
    {
        if (nonce.Length != 12 || tag.Length < 16 || ciphertext.Length < plaintext.Length)
            return false;
        fixed (byte* n = nonce, a = aad, p = plaintext, c = ciphertext, t = tag)
            return HostedImports.AeadSeal(key, n, a, aad.Length, p, plaintext.Length, c, t);
    }

    public static bool AeadOpen(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        if (nonce.Length != 12 || tag.Length < 16 || plaintext.Length < ciphertext.Length)
            return false;
        fixed (byte* n = nonce, a = aad, c = ciphertext, t = tag, p = plaintext)
            return HostedImports.AeadOpen(key, n, a, aad.Length, c, ciphertext.Length, t, p);
    }

    public static NtStatus TransportOpen(nint context, OvpnProto proto, in SockAddrInet local, in SockAddrInet remote)
    {
        fixed (SockAddrInet* l = &local, r = &remote)
            return (NtStatus)HostedImports.TransportOpen(context, (int)proto, l, r);
    }

    public static NtStatus TransportListen(nint context, in SockAddrInet listen, bool ipv6Only)
    {
        fixed (SockAddrInet* l = &listen)
            return (NtStatus)HostedImports.TransportListen(context, l, ipv6Only);
    }

    public static void TransportClose(nint context) => HostedImports.TransportClose(context);

    public static NtStatus TransportSend(nint context, OvpnProto proto, in SockAddrInet remote, ReadOnlySpan<byte> data)
    {
        fixed (SockAddrInet* r = &remote)
        fixed (byte* d = data)
            return (NtStatus)HostedImports.TransportSend(context, (int)proto, r, d, data.Length);
    }

    public static void AdapterDeliver(nint context, ReadOnlySpan<byte> ipPacket)
    {
        fixed (byte* p = ipPacket)
            HostedImports.AdapterDeliver(context, p, ipPacket.Length);
    }

    public static void AdapterSetLink(nint context, bool connected) => HostedImports.AdapterSetLink(context, connected);

    public static void CompleteRead(nint context, nint request, NtStatus status, ReadOnlySpan<byte> data)
    {
        fixed (byte* d = data)
            HostedImports.CompleteRead(context, request, (int)status, d, data.Length);
    }

    public static void CompletePending(nint context, PendingKind kind, NtStatus status, ReadOnlySpan<byte> output)
    {
        fixed (byte* o = output)
            HostedImports.CompletePending(context, (int)kind, (int)status, o, output.Length);
    }

    /// <summary>Bound straight to the C trace sink: the message literal travels as a C string.</summary>
    [OvpnDco.Runtime.Import("ovpn_hosted_trace", Header = "ovpn_hosted.h")]
    public static extern void Trace(TraceLevel level, string message, long a, long b);
}
