using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using OvpnDco.Wdk;

namespace OvpnDco.Kernel.Tests.Simulation;

/// <summary>
/// A managed WDK for the platform's logic: pool with tags, leak and double-free checks and injected failures; spin
/// locks that refuse recursion and track IRQL; a settable interrupt clock; CNG keys on .NET's AesGcm /
/// ChaCha20Poly1305 / HKDF, checking what the platform puts in BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO; WDF requests and
/// manual queues with WDF's rules (a request is completed once, never while queued; find takes a reference); timers;
/// NetAdapterCx rings in managed memory. State is static (the interface is static abstract) and reset per test.
/// </summary>
public unsafe partial struct SimWdk : IWdk
{
    public static SimState S = new();

    // ---- wdm.h ----

    public static void* ExAllocatePool2(POOL_FLAGS flags, nuint numberOfBytes, uint tag)
    {
        Assert.That(flags, Is.EqualTo(POOL_FLAGS.POOL_FLAG_NON_PAGED), "the data path runs at DISPATCH_LEVEL: non-paged only");
        S.Allocations++;
        if (S.FailAllocationAt == S.Allocations || S.FailAllAllocations)
            return null;
        var p = NativeMemory.AllocZeroed(numberOfBytes == 0 ? 1 : numberOfBytes);
        S.Live[(nint)p] = tag;
        return p;
    }

    public static void ExFreePoolWithTag(void* p, uint tag)
    {
        Assert.That(S.Live.TryGetValue((nint)p, out var owner), Is.True, "freeing memory that is not allocated (double free?)");
        Assert.That(tag, Is.EqualTo(owner), "freed with another tag than it was allocated with");
        S.Live.Remove((nint)p);
        NativeMemory.Free(p);
    }

    public static byte ExAcquireSpinLockExclusive(EX_SPIN_LOCK* spinLock)
    {
        // A test's hook runs "on another CPU" just before this acquisition (it may take the same lock itself).
        if (S.BeforeExclusive is { } hook && hook((nint)spinLock))
            S.BeforeExclusive = null;
        Assert.That(*(int*)spinLock, Is.Zero, "spin lock acquired while held (recursion or a missing release)");
        *(int*)spinLock = -1;
        var previous = S.Irql;
        S.Irql = 2;
        S.LockAcquisitions++;
        return previous;
    }

    public static void ExReleaseSpinLockExclusive(EX_SPIN_LOCK* spinLock, byte oldIrql)
    {
        Assert.That(*(int*)spinLock, Is.EqualTo(-1), "released a lock not held exclusively");
        *(int*)spinLock = 0;
        S.Irql = oldIrql;
    }

    public static byte ExAcquireSpinLockShared(EX_SPIN_LOCK* spinLock)
    {
        Assert.That(*(int*)spinLock, Is.GreaterThanOrEqualTo(0), "shared acquire of a lock held exclusively");
        *(int*)spinLock += 1;
        var previous = S.Irql;
        S.Irql = 2;
        return previous;
    }

    public static void ExReleaseSpinLockShared(EX_SPIN_LOCK* spinLock, byte oldIrql)
    {
        Assert.That(*(int*)spinLock, Is.GreaterThan(0), "released a lock not held shared");
        *(int*)spinLock -= 1;
        S.Irql = oldIrql;
    }

    public static ulong KeQueryInterruptTime() => S.InterruptTime;

    public static uint KeGetCurrentProcessorIndex() => 0;

    public static byte KeGetCurrentIrql() => S.Irql;

    // Rundown: Count = holders, or ~0 once run down (the sim is single-threaded: waiting with holders would deadlock).
    private static readonly nuint RunDown = nuint.MaxValue;

    public static void ExInitializeRundownProtection(EX_RUNDOWN_REF* runRef) => runRef->Count = 0;

    public static void ExReInitializeRundownProtection(EX_RUNDOWN_REF* runRef)
    {
        Assert.That(runRef->Count, Is.EqualTo(RunDown), "re-initialised while not run down");
        runRef->Count = 0;
    }

    public static bool ExAcquireRundownProtection(EX_RUNDOWN_REF* runRef)
    {
        if (runRef->Count == RunDown)
            return false;
        runRef->Count++;
        S.RundownAcquisitions++;
        return true;
    }

    public static void ExReleaseRundownProtection(EX_RUNDOWN_REF* runRef)
    {
        Assert.That(runRef->Count, Is.Not.EqualTo(RunDown).And.GreaterThan((nuint)0), "release without acquire");
        runRef->Count--;
    }

    public static void ExWaitForRundownProtectionRelease(EX_RUNDOWN_REF* runRef)
    {
        Assert.That(S.Irql, Is.Zero, "ExWaitForRundownProtectionRelease only at PASSIVE_LEVEL");
        // While this thread waits, the network stack completes what it holds (the transport's sends and close) and
        // the other CPUs run the DPCs queued.
        if (runRef->Count != 0 && runRef->Count != RunDown && (S.Wsk.Pending.Count > 0 || S.Wsk.QueuedDpcs.Count > 0))
        {
            S.Wsk.WaitsThatDrained++;
            S.Wsk.RunDpcs();
            S.Wsk.CompleteAll();
        }
        Assert.That(runRef->Count == 0 || runRef->Count == RunDown, $"would wait for {runRef->Count} holders forever (single-threaded simulation)");
        runRef->Count = RunDown;
    }

    // ---- bcrypt.h ----

    public const int StatusAuthTagMismatch = unchecked((int)0xC000A002);
    public const int StatusInvalidParameter = unchecked((int)0xC000000D);
    public const int StatusNotFound = unchecked((int)0xC0000225);
    public const int StatusNoMoreEntries = unchecked((int)0x8000001A);
    public const int StatusBufferTooSmall = unchecked((int)0xC0000023);

    public static NTSTATUS BCryptGenerateSymmetricKey(BCRYPT_ALG_HANDLE algorithm, BCRYPT_KEY_HANDLE* key, byte* keyObject, ULONG keyObjectLength,
        byte* secret, ULONG secretLength, ULONG flags)
    {
        if (S.FailKeyCreation)
            return (NTSTATUS)unchecked((int)0xC000009A);
        Assert.That(algorithm.Value, Is.AnyOf(BCryptAlgorithms.BCRYPT_AES_GCM_ALG_HANDLE, BCryptAlgorithms.BCRYPT_CHACHA20_POLY1305_ALG_HANDLE,
            BCryptAlgorithms.BCRYPT_HKDF_ALG_HANDLE), "a pseudo-handle");
        var k = new SimKey { Algorithm = algorithm.Value, Secret = new ReadOnlySpan<byte>(secret, (int)secretLength).ToArray() };
        if (algorithm.Value == BCryptAlgorithms.BCRYPT_AES_GCM_ALG_HANDLE && k.Secret.Length is not (16 or 24 or 32))
            return (NTSTATUS)StatusInvalidParameter;
        if (algorithm.Value == BCryptAlgorithms.BCRYPT_CHACHA20_POLY1305_ALG_HANDLE && k.Secret.Length != 32)
            return (NTSTATUS)StatusInvalidParameter;
        var handle = (nint)(0x10000 + 16 * ++S.KeyCounter);
        S.Keys[handle] = k;
        key->Value = handle;
        return NTSTATUS.STATUS_SUCCESS;
    }

    public static NTSTATUS BCryptDestroyKey(BCRYPT_KEY_HANDLE key)
    {
        Assert.That(S.Keys.Remove(key.Value), Is.True, "destroying a key that does not exist");
        return NTSTATUS.STATUS_SUCCESS;
    }

    private static (SimKey Key, byte[] Nonce, byte[] Aad, nint Tag) Aead(BCRYPT_KEY_HANDLE key, void* paddingInfo, byte* iv, ULONG ivLength)
    {
        Assert.That(S.Keys.TryGetValue(key.Value, out var k), Is.True, "a live key");
        Assert.That(iv == null && ivLength == 0, "GCM/Poly1305 take the nonce in the mode info, not as IV");
        var info = (BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO*)paddingInfo;
        Assert.That((int)info->cbSize, Is.EqualTo(sizeof(BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO)));
        Assert.That((uint)info->dwInfoVersion, Is.EqualTo(BCryptAlgorithms.BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO_VERSION));
        Assert.That((int)info->cbNonce, Is.EqualTo(12));
        Assert.That((int)info->cbTag, Is.EqualTo(16));
        Assert.That(info->pbMacContext == null && info->dwFlags == 0, "one-shot, not chained");
        var aad = info->cbAuthData == 0 ? Array.Empty<byte>() : new ReadOnlySpan<byte>(info->pbAuthData, (int)info->cbAuthData).ToArray();
        return (k!, new ReadOnlySpan<byte>(info->pbNonce, 12).ToArray(), aad, (nint)info->pbTag);
    }

    public static NTSTATUS BCryptEncrypt(BCRYPT_KEY_HANDLE key, byte* input, ULONG inputLength, void* paddingInfo, byte* iv, ULONG ivLength,
        byte* output, ULONG outputLength, ULONG* result, ULONG flags)
    {
        var (k, nonce, aad, tag) = Aead(key, paddingInfo, iv, ivLength);
        var plain = new ReadOnlySpan<byte>(input, (int)inputLength).ToArray(); // in place is allowed
        var cipher = new byte[plain.Length];
        var t = new byte[16];
        if (k.Algorithm == BCryptAlgorithms.BCRYPT_AES_GCM_ALG_HANDLE)
        {
            using var a = new AesGcm(k.Secret, 16);
            a.Encrypt(nonce, plain, cipher, t, aad);
        }
        else
        {
            using var c = new ChaCha20Poly1305(k.Secret);
            c.Encrypt(nonce, plain, cipher, t, aad);
        }
        cipher.CopyTo(new Span<byte>(output, (int)outputLength));
        t.CopyTo(new Span<byte>((void*)tag, 16));
        *result = (ULONG)cipher.Length;
        return NTSTATUS.STATUS_SUCCESS;
    }

    public static NTSTATUS BCryptDecrypt(BCRYPT_KEY_HANDLE key, byte* input, ULONG inputLength, void* paddingInfo, byte* iv, ULONG ivLength,
        byte* output, ULONG outputLength, ULONG* result, ULONG flags)
    {
        var (k, nonce, aad, tag) = Aead(key, paddingInfo, iv, ivLength);
        var cipher = new ReadOnlySpan<byte>(input, (int)inputLength).ToArray();
        var plain = new byte[cipher.Length];
        try
        {
            if (k.Algorithm == BCryptAlgorithms.BCRYPT_AES_GCM_ALG_HANDLE)
            {
                using var a = new AesGcm(k.Secret, 16);
                a.Decrypt(nonce, cipher, new ReadOnlySpan<byte>((void*)tag, 16), plain, aad);
            }
            else
            {
                using var c = new ChaCha20Poly1305(k.Secret);
                c.Decrypt(nonce, cipher, new ReadOnlySpan<byte>((void*)tag, 16), plain, aad);
            }
        }
        catch (AuthenticationTagMismatchException)
        {
            return (NTSTATUS)StatusAuthTagMismatch;
        }
        plain.CopyTo(new Span<byte>(output, (int)outputLength));
        *result = (ULONG)plain.Length;
        return NTSTATUS.STATUS_SUCCESS;
    }

    public static NTSTATUS BCryptSetProperty(BCRYPT_KEY_HANDLE key, char* property, byte* input, ULONG inputLength, ULONG flags)
    {
        Assert.That(S.Keys.TryGetValue(key.Value, out var k), Is.True);
        var name = new string(property);
        if (name == "HkdfHashAlgorithm")
        {
            Assert.That((int)inputLength % 2, Is.Zero);
            k!.HkdfHash = new string((char*)input, 0, (int)inputLength / 2).TrimEnd('\0');
        }
        else if (name == "HkdfPrkAndFinalize")
        {
            Assert.That(input == null && inputLength == 0);
            k!.Finalized = true;
        }
        else
        {
            Assert.Fail($"unexpected property {name}");
        }
        return NTSTATUS.STATUS_SUCCESS;
    }

    public static NTSTATUS BCryptKeyDerivation(BCRYPT_KEY_HANDLE key, BCryptBufferDesc* parameters, byte* derivedKey, ULONG derivedKeyLength,
        ULONG* result, ULONG flags)
    {
        Assert.That(S.Keys.TryGetValue(key.Value, out var k), Is.True);
        if (k!.HkdfHash != "SHA256" || !k.Finalized)
            return (NTSTATUS)StatusInvalidParameter;
        Assert.That((uint)parameters->ulVersion, Is.EqualTo(BCryptAlgorithms.BCRYPTBUFFER_VERSION));
        byte[] info = Array.Empty<byte>();
        for (int i = 0; i < (int)parameters->cBuffers; i++)
        {
            var b = parameters->pBuffers[i];
            if ((uint)b.BufferType == BCryptAlgorithms.KDF_HKDF_INFO)
                info = new ReadOnlySpan<byte>(b.pvBuffer, (int)b.cbBuffer).ToArray();
        }
        HKDF.Expand(HashAlgorithmName.SHA256, k.Secret, new Span<byte>(derivedKey, (int)derivedKeyLength), info);
        *result = derivedKeyLength;
        return NTSTATUS.STATUS_SUCCESS;
    }

    // ---- wdfio.h / wdfrequest.h ----

    public static NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE queue, WDFREQUEST* request)
    {
        var q = S.Queue(queue);
        if (q.Count == 0)
            return (NTSTATUS)StatusNoMoreEntries;
        var r = q[0];
        q.RemoveAt(0);
        S.Requests[r].Queue = 0;
        request->Value = r;
        return NTSTATUS.STATUS_SUCCESS;
    }

    public static NTSTATUS WdfIoQueueFindRequest(WDFQUEUE queue, WDFREQUEST found, WDFFILEOBJECT fileObject, void* parameters, WDFREQUEST* request)
    {
        var q = S.Queue(queue);
        int start = 0;
        if (found.Value != 0)
        {
            start = q.IndexOf(found.Value) + 1;
            if (start == 0)
                return (NTSTATUS)StatusNotFound;
        }
        for (int i = start; i < q.Count; i++)
        {
            if (fileObject.Value != 0 && S.Requests[q[i]].FileObject != fileObject.Value)
                continue;
            S.Requests[q[i]].References++;
            request->Value = q[i];
            return NTSTATUS.STATUS_SUCCESS;
        }
        return (NTSTATUS)StatusNoMoreEntries;
    }

    public static NTSTATUS WdfIoQueueRetrieveFoundRequest(WDFQUEUE queue, WDFREQUEST found, WDFREQUEST* request)
    {
        Assert.That(S.Requests[found.Value].References, Is.GreaterThan(0), "RetrieveFoundRequest needs the reference FindRequest took");
        var q = S.Queue(queue);
        if (!q.Remove(found.Value))
            return (NTSTATUS)StatusNotFound;
        S.Requests[found.Value].Queue = 0;
        request->Value = found.Value;
        return NTSTATUS.STATUS_SUCCESS;
    }

    public static NTSTATUS WdfIoQueueRetrieveRequestByFileObject(WDFQUEUE queue, WDFFILEOBJECT fileObject, WDFREQUEST* request)
    {
        var q = S.Queue(queue);
        var r = q.FirstOrDefault(x => S.Requests[x].FileObject == fileObject.Value);
        if (r == 0)
            return (NTSTATUS)StatusNoMoreEntries;
        q.Remove(r);
        S.Requests[r].Queue = 0;
        request->Value = r;
        return NTSTATUS.STATUS_SUCCESS;
    }

    public static void WdfObjectDereference(WDFREQUEST request)
    {
        Assert.That(S.Requests[request.Value].References, Is.GreaterThan(0), "dereference without a reference");
        S.Requests[request.Value].References--;
    }

    public static NTSTATUS WdfRequestRetrieveInputBuffer(WDFREQUEST request, nuint minimumLength, void** buffer, nuint* length) =>
        Buffer(S.Requests[request.Value].Input, minimumLength, buffer, length);

    public static NTSTATUS WdfRequestRetrieveOutputBuffer(WDFREQUEST request, nuint minimumLength, void** buffer, nuint* length) =>
        Buffer(S.Requests[request.Value].Output, minimumLength, buffer, length);

    private static NTSTATUS Buffer(SimBuffer? b, nuint minimumLength, void** buffer, nuint* length)
    {
        if (b == null || (nuint)b.Length < minimumLength || b.Length == 0)
            return (NTSTATUS)StatusBufferTooSmall;
        *buffer = b.Pointer;
        *length = (nuint)b.Length;
        return NTSTATUS.STATUS_SUCCESS;
    }

    public static void WdfRequestCompleteWithInformation(WDFREQUEST request, NTSTATUS status, nuint information)
    {
        var r = S.Requests[request.Value];
        Assert.That(r.Completed, Is.False, $"request {request.Value} completed twice");
        Assert.That(r.Queue, Is.EqualTo((nint)0), $"request {request.Value} completed while it waits in a queue");
        Assert.That(r.References, Is.Zero, "completed while a FindRequest reference is held");
        r.Completed = true;
        r.Status = (int)status;
        r.Information = (int)information;
        S.Completions.Add(request.Value);
    }

    public static NTSTATUS WdfRequestForwardToIoQueue(WDFREQUEST request, WDFQUEUE queue)
    {
        var r = S.Requests[request.Value];
        Assert.That(r.Completed, Is.False);
        if (S.FailForward)
            return (NTSTATUS)unchecked((int)0xC0000184);
        S.Queue(queue).Add(request.Value);
        r.Queue = queue.Value;
        return NTSTATUS.STATUS_SUCCESS;
    }

    public static WDFFILEOBJECT WdfRequestGetFileObject(WDFREQUEST request) => new() { Value = S.Requests[request.Value].FileObject };

    // ---- wdftimer.h ----

    public static bool WdfTimerStart(WDFTIMER timer, long dueTime)
    {
        Assert.That(dueTime, Is.LessThanOrEqualTo(0), "relative due times only");
        bool wasQueued = S.TimerDue != null;
        S.TimerDue = (long)S.InterruptTime - dueTime;
        S.TimerStarts++;
        return wasQueued;
    }

    public static bool WdfTimerStop(WDFTIMER timer, bool wait)
    {
        if (wait)
            Assert.That(S.Irql, Is.Zero, "WdfTimerStop(wait) only at PASSIVE_LEVEL");
        bool wasQueued = S.TimerDue != null;
        S.TimerDue = null;
        return wasQueued;
    }

    // ---- NetAdapterCx adapter ----

    public static void NET_ADAPTER_LINK_STATE_INIT(NET_ADAPTER_LINK_STATE* state, ulong linkSpeed, NET_IF_MEDIA_CONNECT_STATE connect,
        NET_IF_MEDIA_DUPLEX_STATE duplex, NET_ADAPTER_PAUSE_FUNCTION_TYPE pause, NET_ADAPTER_AUTO_NEGOTIATION_FLAGS autoNegotiation)
    {
        *state = default;
        state->Size = (ULONG)sizeof(NET_ADAPTER_LINK_STATE);
        state->TxLinkSpeed = state->RxLinkSpeed = linkSpeed;
        state->MediaConnectState = connect;
        state->MediaDuplexState = duplex;
    }

    public static void NetAdapterSetLinkState(NETADAPTER adapter, NET_ADAPTER_LINK_STATE* state)
    {
        Assert.That((int)state->Size, Is.EqualTo(sizeof(NET_ADAPTER_LINK_STATE)), "initialised with NET_ADAPTER_LINK_STATE_INIT");
        S.LinkStates.Add(state->MediaConnectState);
    }

    // ---- NetAdapterCx rings ----

    public static PCNET_RING_COLLECTION NetTxQueueGetRingCollection(NETPACKETQUEUE queue) => new() { Value = (nint)S.TxRings };

    public static PCNET_RING_COLLECTION NetRxQueueGetRingCollection(NETPACKETQUEUE queue) => new() { Value = (nint)S.RxRings };

    public static NET_RING* NetRingCollectionGetPacketRing(PCNET_RING_COLLECTION rings) => ((SimRings*)rings.Value)->Packets;

    public static NET_RING* NetRingCollectionGetFragmentRing(PCNET_RING_COLLECTION rings) => ((SimRings*)rings.Value)->Fragments;

    public static NET_PACKET* NetRingGetPacketAtIndex(NET_RING* ring, uint index)
    {
        Assert.That(index, Is.LessThan(ring->NumberOfElements));
        return (NET_PACKET*)((byte*)S.RingElements[(nint)ring] + index * ring->ElementStride);
    }

    public static NET_FRAGMENT* NetRingGetFragmentAtIndex(NET_RING* ring, uint index)
    {
        Assert.That(index, Is.LessThan(ring->NumberOfElements));
        return (NET_FRAGMENT*)((byte*)S.RingElements[(nint)ring] + index * ring->ElementStride);
    }

    public static uint NetRingIncrementIndex(NET_RING* ring, uint index) => (index + 1) & ring->ElementIndexMask;

    public static NET_FRAGMENT_VIRTUAL_ADDRESS* NetExtensionGetFragmentVirtualAddress(NET_EXTENSION* extension, uint index) => S.VirtualAddresses + index;

    public static void NetRxQueueNotifyMoreReceivedPacketsAvailable(NETPACKETQUEUE queue) => S.RxNotifications++;

    public static NET_PACKET_CHECKSUM* NetExtensionGetPacketChecksum(NET_EXTENSION* extension, uint index)
    {
        Assert.That(extension->Enabled, Is.Not.Zero, "an extension the OS did not grant has no elements");
        return S.Checksums + index;
    }
}

public sealed class SimKey
{
    public nint Algorithm;
    public byte[] Secret = Array.Empty<byte>();
    public string? HkdfHash;
    public bool Finalized;
}

/// <summary>A request's buffer in native memory (the system buffer of a buffered request).</summary>
public sealed unsafe class SimBuffer
{
    public SimBuffer(int length)
    {
        Length = length;
        Pointer = NativeMemory.AllocZeroed((nuint)Math.Max(1, length));
    }

    public int Length { get; }
    public void* Pointer { get; }
    public Span<byte> Span => new(Pointer, Length);
}

public sealed class SimRequest
{
    public SimBuffer? Input;
    public SimBuffer? Output;
    public nint FileObject;
    public nint Queue;
    public int References;
    public bool Completed;
    public int Status;
    public int Information;
}

public unsafe struct SimRings
{
    public NET_RING* Packets;
    public NET_RING* Fragments;
}

public sealed unsafe class SimState
{
    public readonly Dictionary<nint, uint> Live = new();
    public readonly SimWskState Wsk = new();
    public int Allocations;
    public int FailAllocationAt = -1;
    public bool FailAllAllocations;
    public byte Irql;
    public int LockAcquisitions;
    public int RundownAcquisitions;

    /// <summary>Called with the lock's address before each exclusive acquisition; returning true removes it.</summary>
    public Func<nint, bool>? BeforeExclusive;
    public ulong InterruptTime = 1_000_000_000; // 100 s after boot
    public readonly Dictionary<nint, SimKey> Keys = new();
    public int KeyCounter;
    public bool FailKeyCreation;
    public readonly Dictionary<nint, SimRequest> Requests = new();
    public readonly Dictionary<nint, List<nint>> Queues = new();
    public readonly List<nint> Completions = new();
    public bool FailForward;
    public long? TimerDue;
    public int TimerStarts;
    public SimRings* TxRings;
    public SimRings* RxRings;
    public readonly Dictionary<nint, nint> RingElements = new();
    public NET_FRAGMENT_VIRTUAL_ADDRESS* VirtualAddresses;
    public NET_PACKET_CHECKSUM* Checksums;
    public int RxNotifications;
    public readonly List<NET_IF_MEDIA_CONNECT_STATE> LinkStates = new();
    private int _nextHandle = 0x1000;

    public List<nint> Queue(WDFQUEUE q) => Queues.TryGetValue(q.Value, out var l) ? l : Queues[q.Value] = new List<nint>();

    public WDFQUEUE NewQueue()
    {
        var h = (nint)(_nextHandle += 16);
        Queues[h] = new List<nint>();
        return new WDFQUEUE { Value = h };
    }

    public WDFREQUEST NewRequest(int inputLength, int outputLength, nint fileObject = 0x77)
    {
        var h = (nint)(_nextHandle += 16);
        Requests[h] = new SimRequest
        {
            Input = inputLength > 0 ? new SimBuffer(inputLength) : null,
            Output = outputLength > 0 ? new SimBuffer(outputLength) : null,
            FileObject = fileObject,
        };
        return new WDFREQUEST { Value = h };
    }

    public SimRequest this[WDFREQUEST r] => Requests[r.Value];
}
