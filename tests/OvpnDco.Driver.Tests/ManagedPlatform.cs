using System;
using System.Runtime.CompilerServices;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>A datagram (or TCP bytes) the driver sent.</summary>
public sealed record SentPacket(OvpnProto Proto, SockAddrInet Remote, byte[] Data);

/// <summary>A request completion the driver made.</summary>
public sealed record Completion(nint Request, PendingKind Kind, NtStatus Status, byte[] Data);

/// <summary>Test-side state of one driver instance (the platform context maps to it).</summary>
public sealed class PlatformInstance
{
    public int Id;
    public bool Capture = true;
    public readonly List<SentPacket> Sent = new();
    public readonly List<byte[]> Delivered = new();
    public readonly List<Completion> Reads = new();
    public readonly List<Completion> Pendings = new();

    /// <summary>Without capture (benchmarks): the last packet sent/delivered is copied here, nothing allocated.</summary>
    public readonly byte[] LastSent = new byte[4096];
    public int LastSentLength;
    public readonly byte[] LastDelivered = new byte[4096];
    public int LastDeliveredLength;
    public long SentCount;
    public long DeliveredCount;

    public long TimerDue;
    public bool LinkUp;
    public NtStatus OpenStatus = NtStatus.Success;
    public NtStatus SendStatus = NtStatus.Success;
    public bool TransportOpen;
    public bool Listening;
    public Action? TimerCallback;
}

/// <summary>
/// IPlatform for managed tests and benchmarks: NativeMemory allocations (counted), an Interlocked spin lock that
/// fails on re-entry, a virtual clock, System.Security.Cryptography AEAD (AesGcm / ChaCha20Poly1305 over OpenSSL),
/// in-memory transport and adapter.
/// </summary>
public unsafe struct ManagedPlatform : IPlatform
{
    private static readonly List<PlatformInstance> s_instances = new();
    private static readonly List<object?> s_keys = new();
    private static long s_now = 1_000_000;
    private static long s_liveAllocations;
    private static int s_liveKeys;

#if NATIVE_ENGINE
    // The native suite: the driver allocates and creates keys in the hosted runtime, not here.
    public static long LiveAllocations => DriverUnderTest.LiveAllocations;
    public static int LiveKeys => DriverUnderTest.LiveKeys;
#else
    public static long LiveAllocations => Interlocked.Read(ref s_liveAllocations);
    public static int LiveKeys => s_liveKeys;
#endif

    public static PlatformInstance NewInstance()
    {
        lock (s_instances)
        {
            var i = new PlatformInstance { Id = s_instances.Count + 1 };
            s_instances.Add(i);
            return i;
        }
    }

    public static PlatformInstance Instance(nint context) => s_instances[(int)context - 1];

    /// <summary>Virtual time in ms.</summary>
    public static long Now
    {
        get => s_now;
        set => s_now = value;
    }

    /// <summary>Advances virtual time, firing due timers of <paramref name="instances"/> in time order.</summary>
    public static void Advance(long ms, params PlatformInstance[] instances)
    {
        long target = s_now + ms;
        while (true)
        {
            PlatformInstance? next = null;
            foreach (var i in instances)
            {
                if (i.TimerDue != 0 && i.TimerDue <= target && (next == null || i.TimerDue < next.TimerDue))
                    next = i;
            }
            if (next == null)
                break;
            if (next.TimerDue > s_now)
                s_now = next.TimerDue;
            next.TimerDue = 0;
            next.TimerCallback?.Invoke();
        }
        s_now = target;
    }

    public static void* Alloc(nuint size, uint tag)
    {
        Interlocked.Increment(ref s_liveAllocations);
        return NativeMemory.AllocZeroed(size);
    }

    public static void Free(void* memory, uint tag)
    {
        Interlocked.Decrement(ref s_liveAllocations);
        NativeMemory.Free(memory);
    }

    /// <summary>Fault injection: the next LockInit fails (as the hosted backend's can).</summary>
    [ThreadStatic]
    public static bool FailNextLockInit;

    public static NtStatus LockInit(ref PlatformLock l)
    {
        l.Value = 0;
        if (!FailNextLockInit)
            return NtStatus.Success;
        FailNextLockInit = false;
        return NtStatus.InsufficientResources;
    }

    /// <summary>Multi-threaded tests: spin on contention instead of failing (re-entry still fails).</summary>
    public static volatile bool AllowContention;

    // The locks this thread holds (address and mode: 1 exclusive, 2 shared): at most two, since the driver never takes
    // a lock it holds and nests only the control lock inside the device lock. Two slots, not a dictionary: the
    // benchmarks run on this platform too.
    [ThreadStatic]
    private static nint t_lock0;
    [ThreadStatic]
    private static nint t_lock1;
    [ThreadStatic]
    private static int t_mode0;
    [ThreadStatic]
    private static int t_mode1;

    private static nint Key(ref PlatformLock l) => (nint)Unsafe.AsPointer(ref l);

    private static void Enter(ref PlatformLock l, int mode)
    {
        nint key = Key(ref l);
        if (t_lock0 == key || t_lock1 == key)
            throw new InvalidOperationException("driver lock re-entered");
        if (t_lock0 == 0)
            (t_lock0, t_mode0) = (key, mode);
        else if (t_lock1 == 0)
            (t_lock1, t_mode1) = (key, mode);
        else
            throw new InvalidOperationException("more than two driver locks held");
    }

    private static void Leave(ref PlatformLock l, int mode)
    {
        nint key = Key(ref l);
        if (t_lock1 == key && t_mode1 == mode)
            (t_lock1, t_mode1) = (0, 0);
        else if (t_lock0 == key && t_mode0 == mode)
            (t_lock0, t_mode0) = (0, 0);
        else
            throw new InvalidOperationException(mode == 1 ? "lock released exclusive without being held exclusive" : "lock released shared without being held shared");
    }

    // The lock word: 0 free, -1 held exclusive, n > 0 held shared by n threads.
    public static byte LockAcquire(ref PlatformLock l)
    {
        Enter(ref l, 1);
        if (Interlocked.CompareExchange(ref l.Value, -1, 0) != 0)
        {
            if (!AllowContention)
                throw new InvalidOperationException("driver lock contended in a single-threaded test");
            var spin = new SpinWait();
            while (Interlocked.CompareExchange(ref l.Value, -1, 0) != 0)
                spin.SpinOnce();
        }
        return 0;
    }

    public static void LockRelease(ref PlatformLock l, byte previous)
    {
        Leave(ref l, 1);
        Volatile.Write(ref l.Value, 0);
    }

    public static byte LockAcquireShared(ref PlatformLock l)
    {
        Enter(ref l, 2);
        var spin = new SpinWait();
        while (true)
        {
            int v = Volatile.Read(ref l.Value);
            if (v >= 0 && Interlocked.CompareExchange(ref l.Value, v + 1, v) == v)
                break;
            if (v < 0 && !AllowContention)
                throw new InvalidOperationException("driver lock contended in a single-threaded test");
            spin.SpinOnce();
        }
        return 0;
    }

    public static void LockReleaseShared(ref PlatformLock l, byte previous)
    {
        Leave(ref l, 2);
        Interlocked.Decrement(ref l.Value);
    }

    public static void LockDestroy(ref PlatformLock l)
    {
    }

    public static long NowMs() => s_now;

    public static int CurrentProcessor() => Thread.GetCurrentProcessorId();

    public static void TimerArm(nint context, long dueMs) => Instance(context).TimerDue = dueMs;

    public static void TimerCancel(nint context) => Instance(context).TimerDue = 0;

    /// <summary>Fault injection: when positive, the key creation that brings it to 0 fails (1 = the next one).</summary>
    public static int FailKeyCreateAt;

    public static NtStatus AeadKeyCreate(OvpnCipherAlg alg, ReadOnlySpan<byte> key, out nint handle)
    {
        if (FailKeyCreateAt > 0 && --FailKeyCreateAt == 0)
        {
            handle = 0;
            return NtStatus.InsufficientResources;
        }
        object k = alg == OvpnCipherAlg.ChaCha20Poly1305 ? new ChaCha20Poly1305(key) : new AesGcm(key, 16);
        lock (s_keys)
        {
            s_keys.Add(k);
            handle = s_keys.Count;
            s_liveKeys++;
        }
        return NtStatus.Success;
    }

    /// <summary>HKDF-Expand-SHA256 (System.Security.Cryptography.HKDF); counts calls (<see cref="HkdfCalls"/>).</summary>
    public static NtStatus HkdfExpandSha256(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> output)
    {
        Interlocked.Increment(ref s_hkdfCalls);
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, info);
        return NtStatus.Success;
    }

    private static long s_hkdfCalls;

    /// <summary>HKDF-Expand calls so far (all instances): key derivation happens per epoch, never per packet.</summary>
    public static long HkdfCalls => Interlocked.Read(ref s_hkdfCalls);

    public static void AeadKeyDestroy(nint handle)
    {
        lock (s_keys)
        {
            (s_keys[(int)handle - 1] as IDisposable)?.Dispose();
            s_keys[(int)handle - 1] = null;
            s_liveKeys--;
        }
    }

    public static bool AeadSeal(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext, Span<byte> tag)
    {
        object? k = s_keys[(int)key - 1];
        if (k is AesGcm aes)
            aes.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        else
            ((ChaCha20Poly1305)k!).Encrypt(nonce, plaintext, ciphertext, tag, aad);
        return true;
    }

    public static bool AeadOpen(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        object? k = s_keys[(int)key - 1];
        try
        {
            if (k is AesGcm aes)
                aes.Decrypt(nonce, ciphertext, tag, plaintext, aad);
            else
                ((ChaCha20Poly1305)k!).Decrypt(nonce, ciphertext, tag, plaintext, aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public static NtStatus TransportOpen(nint context, OvpnProto proto, in SockAddrInet local, in SockAddrInet remote)
    {
        var i = Instance(context);
        i.TransportOpen = true;
        return proto == OvpnProto.Tcp ? NtStatus.Pending : i.OpenStatus;
    }

    public static NtStatus TransportListen(nint context, in SockAddrInet listen, bool ipv6Only)
    {
        Instance(context).Listening = true;
        return NtStatus.Success;
    }

    public static void TransportClose(nint context)
    {
        var i = Instance(context);
        i.TransportOpen = false;
        i.Listening = false;
    }

    // Packet buffers: one per thread and direction (pinned), with the discipline checked: a buffer must be sent,
    // delivered or released before the thread takes the next one, and send/deliver must pass a span inside it.
    [ThreadStatic]
    private static byte[]? t_txBuffer;
    [ThreadStatic]
    private static byte[]? t_rxBuffer;
    [ThreadStatic]
    private static bool t_txOut;
    [ThreadStatic]
    private static bool t_rxOut;

    /// <summary>Fault injection: when positive, the buffer request that brings it to 0 gets null (1 = the next one).</summary>
    public static int FailBufferAt;

    private static byte* TakeBuffer(ref byte[]? buffer, ref bool outstanding, int size, string what)
    {
        if (outstanding)
            throw new InvalidOperationException($"{what} buffer taken again before the previous one was handed back");
        if (size < 0 || size > Proto.MaxWire + 64)
            throw new InvalidOperationException($"{what} buffer of {size} bytes asked for");
        if (FailBufferAt > 0 && Interlocked.Decrement(ref FailBufferAt) == 0)
            return null;
        buffer ??= GC.AllocateArray<byte>(Proto.MaxWire + 64, pinned: true);
        outstanding = true;
        return (byte*)Unsafe.AsPointer(ref buffer[0]);
    }

    private static void GiveBack(byte[]? buffer, ref bool outstanding, byte* pointer, string what)
    {
        if (!outstanding || buffer is null || pointer < (byte*)Unsafe.AsPointer(ref buffer[0]) || pointer >= (byte*)Unsafe.AsPointer(ref buffer[0]) + buffer.Length)
            throw new InvalidOperationException($"{what}: not this thread's outstanding buffer");
        outstanding = false;
    }

    public static byte* TransportBuffer(nint context, int size) => TakeBuffer(ref t_txBuffer, ref t_txOut, size, "transport");

    public static void TransportBufferRelease(nint context, byte* buffer) => GiveBack(t_txBuffer, ref t_txOut, buffer, "transport release");

    public static byte* AdapterBuffer(nint context, int size) => TakeBuffer(ref t_rxBuffer, ref t_rxOut, size, "adapter");

    public static void AdapterBufferRelease(nint context, byte* buffer) => GiveBack(t_rxBuffer, ref t_rxOut, buffer, "adapter release");

    public static NtStatus TransportSend(nint context, OvpnProto proto, in SockAddrInet remote, ReadOnlySpan<byte> data)
    {
        fixed (byte* d = data)
            GiveBack(t_txBuffer, ref t_txOut, d, "transport send");
        return Sent(context, proto, remote, data);
    }

    /// <summary>What a send does on this platform (also the native suite's host callback, whose buffers are the hosted runtime's).</summary>
    public static NtStatus Sent(nint context, OvpnProto proto, in SockAddrInet remote, ReadOnlySpan<byte> data)
    {
        var i = Instance(context);
        if (i.SendStatus != NtStatus.Success)
            return i.SendStatus;
        i.SentCount++;
        if (i.Capture)
        {
            i.Sent.Add(new SentPacket(proto, remote, data.ToArray()));
        }
        else
        {
            data.CopyTo(i.LastSent);
            i.LastSentLength = data.Length;
        }
        return NtStatus.Success;
    }

    public static void AdapterDeliver(nint context, ReadOnlySpan<byte> ipPacket)
    {
        fixed (byte* d = ipPacket)
            GiveBack(t_rxBuffer, ref t_rxOut, d, "adapter deliver");
        Delivered(context, ipPacket);
    }

    /// <summary>What a delivery does on this platform (also the native suite's host callback).</summary>
    public static void Delivered(nint context, ReadOnlySpan<byte> ipPacket)
    {
        var i = Instance(context);
        i.DeliveredCount++;
        if (i.Capture)
        {
            i.Delivered.Add(ipPacket.ToArray());
        }
        else
        {
            ipPacket.CopyTo(i.LastDelivered);
            i.LastDeliveredLength = ipPacket.Length;
        }
    }

    public static void AdapterSetLink(nint context, bool connected) => Instance(context).LinkUp = connected;

    public static void CompleteRead(nint context, nint request, NtStatus status, ReadOnlySpan<byte> data)
        => Instance(context).Reads.Add(new Completion(request, PendingKind.NewPeer, status, data.ToArray()));

    public static void CompletePending(nint context, PendingKind kind, NtStatus status, ReadOnlySpan<byte> output)
        => Instance(context).Pendings.Add(new Completion(0, kind, status, output.ToArray()));

    [ThreadStatic] private static List<(TraceLevel Level, string Line)>? s_traces;

    /// <summary>The trace events' lines (DriverTrace) this thread's driver calls produced; tests clear it first.</summary>
    public static List<(TraceLevel Level, string Line)> Traces => s_traces ??= new();

    public static void Trace(TraceLevel level, string message, long a, long b) => Traces.Add((level, message));
}
