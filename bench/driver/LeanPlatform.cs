using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using OvpnDco.Driver;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Bench.Driver;

/// <summary>
/// The managed counterpart of the hosted runtime for measuring the driver core under the JIT against the same core
/// transpiled to C (bench/datapath): a platform with no test checks (the tests' ManagedPlatform verifies lock and
/// buffer discipline on every call, which a production host would not), and the very AEAD the native build calls —
/// <c>ovpn_hosted_aead_*</c> of out/hosted/lib/libovpndco.so (OpenSSL EVP contexts keyed once) — so that both sides
/// differ only in how the driver itself was compiled. One instance (the benchmark's two drivers share it): the last
/// datagram sent and the last packet delivered are kept for the next step.
/// </summary>
public unsafe struct LeanPlatform : IPlatform
{
    public static readonly byte[] LastSent = GC.AllocateArray<byte>(Proto.MaxWire + 64, pinned: true);
    public static int LastSentLength;
    public static int LastDeliveredLength;

    [ThreadStatic] private static byte[]? t_tx;
    [ThreadStatic] private static byte[]? t_rx;

    private static byte* Buffer(ref byte[]? buffer)
    {
        buffer ??= GC.AllocateArray<byte>(Proto.MaxWire + 64, pinned: true);
        return (byte*)Unsafe.AsPointer(ref buffer[0]);
    }

    public static void* Alloc(nuint size, uint tag) => NativeMemory.AllocZeroed(size);

    public static void Free(void* memory, uint tag) => NativeMemory.Free(memory);

    // The lock word: 0 free, -1 exclusive, n > 0 shared by n (the benchmark is single-threaded: never contended).
    public static NtStatus LockInit(ref PlatformLock l)
    {
        l.Value = 0;
        return NtStatus.Success;
    }

    public static byte LockAcquire(ref PlatformLock l)
    {
        while (Interlocked.CompareExchange(ref l.Value, -1, 0) != 0)
            Thread.SpinWait(1);
        return 0;
    }

    public static void LockRelease(ref PlatformLock l, byte previous) => Volatile.Write(ref l.Value, 0);

    public static byte LockAcquireShared(ref PlatformLock l)
    {
        while (true)
        {
            int v = Volatile.Read(ref l.Value);
            if (v >= 0 && Interlocked.CompareExchange(ref l.Value, v + 1, v) == v)
                return 0;
            Thread.SpinWait(1);
        }
    }

    public static void LockReleaseShared(ref PlatformLock l, byte previous) => Interlocked.Decrement(ref l.Value);

    public static int CurrentProcessor() => Thread.GetCurrentProcessorId();

    public static void LockDestroy(ref PlatformLock l)
    {
    }

    public static long NowMs() => Environment.TickCount64;

    public static void TimerArm(nint context, long dueMs)
    {
    }

    public static void TimerCancel(nint context)
    {
    }

    public static NtStatus AeadKeyCreate(OvpnCipherAlg alg, ReadOnlySpan<byte> key, out nint handle)
    {
        nint h = 0;
        int rc;
        fixed (byte* k = key)
            rc = HostedAead.Create((int)alg, k, key.Length, &h);
        handle = h;
        return rc == 0 ? NtStatus.Success : NtStatus.InsufficientResources;
    }

    public static void AeadKeyDestroy(nint handle) => HostedAead.Destroy(&handle);

    public static bool AeadSeal(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext, Span<byte> tag)
    {
        fixed (byte* n = nonce, a = aad, p = plaintext, c = ciphertext, t = tag)
            return HostedAead.Seal(key, n, a, aad.Length, p, plaintext.Length, c, t) != 0;
    }

    public static bool AeadOpen(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        fixed (byte* n = nonce, a = aad, c = ciphertext, t = tag, p = plaintext)
            return HostedAead.Open(key, n, a, aad.Length, c, ciphertext.Length, t, p) != 0;
    }

    public static NtStatus HkdfExpandSha256(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> output) =>
        NtStatus.NotSupported; // epoch keys are not benchmarked here

    public static NtStatus TransportOpen(nint context, OvpnProto proto, in SockAddrInet local, in SockAddrInet remote) => NtStatus.Success;

    public static NtStatus TransportListen(nint context, in SockAddrInet listen, bool ipv6Only) => NtStatus.Success;

    public static void TransportClose(nint context)
    {
    }

    public static byte* TransportBuffer(nint context, int size) => Buffer(ref t_tx);

    public static void TransportBufferRelease(nint context, byte* buffer)
    {
    }

    /// <summary>The wire: the datagram is copied out, as a socket send copies it into the kernel.</summary>
    public static NtStatus TransportSend(nint context, OvpnProto proto, in SockAddrInet remote, ReadOnlySpan<byte> data)
    {
        data.CopyTo(LastSent);
        LastSentLength = data.Length;
        return NtStatus.Success;
    }

    public static byte* AdapterBuffer(nint context, int size) => Buffer(ref t_rx);

    public static void AdapterBufferRelease(nint context, byte* buffer)
    {
    }

    public static void AdapterDeliver(nint context, ReadOnlySpan<byte> ipPacket) => LastDeliveredLength = ipPacket.Length + ipPacket[0];

    public static void AdapterSetLink(nint context, bool connected)
    {
    }

    public static void CompleteRead(nint context, nint request, NtStatus status, ReadOnlySpan<byte> data)
    {
    }

    public static void CompletePending(nint context, PendingKind kind, NtStatus status, ReadOnlySpan<byte> output)
    {
    }

    public static void Trace(TraceLevel level, string message, long a, long b)
    {
    }
}

/// <summary>The hosted runtime's AEAD key objects (runtime-kernel/hosted/ovpn_hosted_aead.c) in libovpndco.so.</summary>
public static unsafe class HostedAead
{
    private static readonly nint Library = Load();

    private static nint Load()
    {
        var path = Environment.GetEnvironmentVariable("OVPNDCO_LIB");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); path == null && dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "out", "hosted", "lib", "libovpndco.so");
            if (File.Exists(candidate))
                path = candidate;
        }
        if (path == null)
            throw new FileNotFoundException("out/hosted/lib/libovpndco.so not found: run ./build.sh (or set OVPNDCO_LIB)");
        return NativeLibrary.Load(path);
    }

    private static nint Export(string name) => NativeLibrary.GetExport(Library, name);

    private static readonly delegate* unmanaged<int, byte*, int, nint*, int> s_create =
        (delegate* unmanaged<int, byte*, int, nint*, int>)Export("ovpn_hosted_aead_create");
    private static readonly delegate* unmanaged<nint*, void> s_destroy = (delegate* unmanaged<nint*, void>)Export("ovpn_hosted_aead_destroy");
    private static readonly delegate* unmanaged<nint, byte*, byte*, int, byte*, int, byte*, byte*, byte> s_seal =
        (delegate* unmanaged<nint, byte*, byte*, int, byte*, int, byte*, byte*, byte>)Export("ovpn_hosted_aead_seal");
    private static readonly delegate* unmanaged<nint, byte*, byte*, int, byte*, int, byte*, byte*, byte> s_open =
        (delegate* unmanaged<nint, byte*, byte*, int, byte*, int, byte*, byte*, byte>)Export("ovpn_hosted_aead_open");

    public static int Create(int alg, byte* key, int length, nint* handle) => s_create(alg, key, length, handle);

    public static void Destroy(nint* handle) => s_destroy(handle);

    public static byte Seal(nint k, byte* n, byte* a, int al, byte* p, int l, byte* c, byte* t) => s_seal(k, n, a, al, p, l, c, t);

    public static byte Open(nint k, byte* n, byte* a, int al, byte* c, int l, byte* t, byte* p) => s_open(k, n, a, al, c, l, t, p);
}
