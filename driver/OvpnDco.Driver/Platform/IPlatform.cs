using System;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Platform;

/// <summary>A platform spin lock: the platform owns its representation (a KSPIN_LOCK, a futex word, ...).</summary>
public struct PlatformLock
{
    public int Value;
    public nint Handle;
}

/// <summary>Trace levels (TraceLogging: error 2 .. verbose 5).</summary>
public enum TraceLevel
{
    Error = 2,
    Warning = 3,
    Info = 4,
    Verbose = 5,
}

/// <summary>Requests the driver pends and completes later through <see cref="IPlatform.CompletePending"/>.</summary>
public enum PendingKind
{
    /// <summary>NEW_PEER over TCP: completes when the connection is up (or failed).</summary>
    NewPeer = 0,

    /// <summary>NOTIFY_EVENT: completes with an <see cref="OvpnNotifyEvent"/> when an event is queued.</summary>
    NotifyEvent = 1,
}

/// <summary>
/// Everything the driver core needs from the OS. Static abstract members: the platform is a type parameter
/// (<c>Driver&lt;TPlatform&gt;</c>) and every call binds at compile time. Calls that concern one device
/// instance carry the platform context the instance was created with (<see cref="DriverState.PlatformContext"/>).
/// The driver calls all of these with its device lock held (at DISPATCH_LEVEL in the kernel); none may call back
/// into the driver synchronously. Hence every member is <c>[Irql(KIrql.Dispatch)]</c>: an implementation must be
/// callable at DISPATCH_LEVEL (no waits, no paged code or memory), which analyzer rule OVD0016 holds the core to.
/// </summary>
public unsafe interface IPlatform
{
    // ---- memory ----

    /// <summary>Zero-filled non-paged memory with a pool tag; null on failure.</summary>
    [Irql(KIrql.Dispatch)] static abstract void* Alloc(nuint size, uint tag);

    /// <summary>Frees memory from <see cref="Alloc"/> (same tag).</summary>
    [Irql(KIrql.Dispatch)] static abstract void Free(void* memory, uint tag);

    // ---- locks ----

    /// <summary>Creates the lock; a failure (the hosted backend allocates) fails device creation.</summary>
    [Irql(KIrql.Dispatch)] static abstract NtStatus LockInit(ref PlatformLock l);

    /// <summary>
    /// Acquires the lock exclusively (IOCTLs, the timer, control packets, peer and key changes); waits until no shared
    /// holder is left. Returns what <see cref="LockRelease"/> needs (the previous IRQL in the kernel). Kernel: an
    /// EX_SPIN_LOCK, <c>ExAcquireSpinLockExclusive</c> (raises to DISPATCH_LEVEL), callable at IRQL ≤ DISPATCH_LEVEL.
    /// </summary>
    [Irql(KIrql.Dispatch), IrqlRaises(KIrql.Dispatch)] static abstract byte LockAcquire(ref PlatformLock l);

    [Irql(KIrql.Dispatch)] static abstract void LockRelease(ref PlatformLock l, [IrqlRestores] byte previous);

    /// <summary>
    /// Acquires the lock shared: the data path (rx and tx of any number of packets on any number of CPUs at once).
    /// While one shared holder is inside, no exclusive holder is, so peers, tables and keys it finds stay valid until
    /// it leaves: the read side of an RCU-like scheme whose grace period is the next exclusive acquisition. A waiting
    /// exclusive acquirer must not be starved by a stream of shared ones (writer preference). Not recursive, and never
    /// upgraded: a shared holder that needs the lock exclusively releases it first. Kernel:
    /// <c>ExAcquireSpinLockShared</c> / <c>ExReleaseSpinLockShared</c> on the same EX_SPIN_LOCK (IRQL ≤ DISPATCH_LEVEL,
    /// returns the previous KIRQL).
    /// </summary>
    [Irql(KIrql.Dispatch), IrqlRaises(KIrql.Dispatch)] static abstract byte LockAcquireShared(ref PlatformLock l);

    [Irql(KIrql.Dispatch)] static abstract void LockReleaseShared(ref PlatformLock l, [IrqlRestores] byte previous);

    /// <summary>
    /// A small number naming the processor the caller runs on (any value; the driver reduces it modulo its per-CPU
    /// slots), so that counters every packet changes are not one cache line all CPUs write. Only locality depends on
    /// it: the driver's per-CPU counters are changed atomically, so a thread that migrates or shares a slot is still
    /// counted exactly. Kernel: <c>KeGetCurrentProcessorIndex()</c> (the data path runs at DISPATCH_LEVEL, where it
    /// is stable); hosted: a per-thread index.
    /// </summary>
    [Irql(KIrql.Dispatch)] static abstract int CurrentProcessor();

    [Irql(KIrql.Dispatch)] static abstract void LockDestroy(ref PlatformLock l);

    // ---- time and timers ----

    /// <summary>Monotonic milliseconds.</summary>
    [Irql(KIrql.Dispatch)] static abstract long NowMs();

    /// <summary>(Re)arms the device's one-shot timer: the platform calls <c>Driver.OnTimer</c> at or after <paramref name="dueMs"/>.</summary>
    [Irql(KIrql.Dispatch)] static abstract void TimerArm(nint context, long dueMs);

    [Irql(KIrql.Dispatch)] static abstract void TimerCancel(nint context);

    // ---- AEAD ----

    /// <summary>Creates a key object (AES-GCM with a 16/24/32-byte key, or ChaCha20-Poly1305 with 32 bytes).</summary>
    [Irql(KIrql.Dispatch)] static abstract NtStatus AeadKeyCreate(OvpnCipherAlg alg, ReadOnlySpan<byte> key, out nint handle);

    /// <summary>Destroys a key object (the platform zeroes its copy of the key).</summary>
    [Irql(KIrql.Dispatch)] static abstract void AeadKeyDestroy(nint handle);

    /// <summary>AEAD seal: 12-byte nonce, 16-byte tag, ciphertext length = plaintext length.</summary>
    [Irql(KIrql.Dispatch)] static abstract bool AeadSeal(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext, Span<byte> tag);

    /// <summary>AEAD open; false when the tag does not verify (plaintext then holds nothing usable).</summary>
    [Irql(KIrql.Dispatch)] static abstract bool AeadOpen(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, Span<byte> plaintext);

    // ---- key derivation ----

    /// <summary>
    /// HKDF-Expand (RFC 5869) with HMAC-SHA256: fills <paramref name="output"/> (at most 255 × 32 bytes) from the
    /// pseudorandom key <paramref name="prk"/> (32 bytes) and <paramref name="info"/>. Used only when an epoch key is
    /// derived (OpenVPN's <c>ovpn_expand_label</c>), never per packet. Kernel: BCrypt with the
    /// <c>BCRYPT_HKDF_ALG_HANDLE</c> pseudo-handle — <c>BCryptGenerateSymmetricKey</c> over the PRK,
    /// <c>BCryptSetProperty(BCRYPT_HKDF_HASH_ALGORITHM, BCRYPT_SHA256_ALGORITHM)</c>,
    /// <c>BCryptSetProperty(BCRYPT_HKDF_PRK_AND_FINALIZE, NULL, 0)</c>, <c>BCryptKeyDerivation</c> with one
    /// <c>KDF_HKDF_INFO</c> buffer, <c>BCryptDestroyKey</c>. Hosted: OpenSSL <c>EVP_KDF</c> "HKDF", mode EXPAND_ONLY.
    /// </summary>
    [Irql(KIrql.Dispatch)] static abstract NtStatus HkdfExpandSha256(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> output);

    // ---- transport ----

    /// <summary>
    /// Opens the P2P transport (UDP: bind + connect, returns Success; TCP: returns Pending and later calls
    /// <c>Driver.OnTransportConnected</c>).
    /// </summary>
    [Irql(KIrql.Dispatch)] static abstract NtStatus TransportOpen(nint context, OvpnProto proto, in SockAddrInet local, in SockAddrInet remote);

    /// <summary>Opens the MP UDP listen socket.</summary>
    [Irql(KIrql.Dispatch)] static abstract NtStatus TransportListen(nint context, in SockAddrInet listen, bool ipv6Only);

    /// <summary>Closes every transport socket of the device.</summary>
    [Irql(KIrql.Dispatch)] static abstract void TransportClose(nint context);

    /// <summary>
    /// A buffer of at least <paramref name="size"/> bytes (at most <see cref="Proto.MaxWire"/> + 64) that the driver
    /// writes one outgoing packet into, in place: header, packet id, tag and ciphertext (and the TCP length prefix),
    /// so that no packet is built on the stack and copied again. Null when none is free (the packet is dropped and
    /// counted). Exactly one of <see cref="TransportSend"/> (with a span inside it) or
    /// <see cref="TransportBufferRelease"/> follows, on the same thread. Kernel: a buffer (with its MDL) from a
    /// lookaside list that WskSendTo/WskSend hands back on completion; hosted: a per-thread buffer.
    /// </summary>
    [Irql(KIrql.Dispatch)] static abstract byte* TransportBuffer(nint context, int size);

    /// <summary>Gives back a buffer from <see cref="TransportBuffer"/> that is not sent.</summary>
    [Irql(KIrql.Dispatch)] static abstract void TransportBufferRelease(nint context, byte* buffer);

    /// <summary>
    /// Sends one datagram to <paramref name="remote"/> (UDP), or appends bytes to the P2P TCP stream (the driver has
    /// already added the 2-byte length prefix). <paramref name="data"/> lies in a buffer from
    /// <see cref="TransportBuffer"/>, which passes to the platform whatever the result.
    /// </summary>
    [Irql(KIrql.Dispatch)] static abstract NtStatus TransportSend(nint context, OvpnProto proto, in SockAddrInet remote, ReadOnlySpan<byte> data);

    // ---- adapter ----

    /// <summary>
    /// A buffer of at least <paramref name="size"/> bytes (at most <see cref="Proto.MaxWire"/>) that the driver
    /// decrypts one received packet into, in place, and that becomes the adapter's packet. Null when none is free
    /// (the packet is dropped and counted). Exactly one of <see cref="AdapterDeliver"/> (with a span at its start)
    /// or <see cref="AdapterBufferRelease"/> follows, on the same thread. Kernel: the buffer of a NetAdapterCx rx
    /// fragment (or a pool buffer the rx queue hands over); hosted: a per-thread buffer written to the TUN device.
    /// </summary>
    [Irql(KIrql.Dispatch)] static abstract byte* AdapterBuffer(nint context, int size);

    /// <summary>Gives back a buffer from <see cref="AdapterBuffer"/> that is not delivered (the packet was dropped).</summary>
    [Irql(KIrql.Dispatch)] static abstract void AdapterBufferRelease(nint context, byte* buffer);

    /// <summary>
    /// Hands a decrypted IPv4/IPv6 packet to the OS. <paramref name="ipPacket"/> starts a buffer from
    /// <see cref="AdapterBuffer"/>, which passes to the platform.
    /// </summary>
    [Irql(KIrql.Dispatch)] static abstract void AdapterDeliver(nint context, ReadOnlySpan<byte> ipPacket);

    /// <summary>Link state (START_VPN: connected; DEL_PEER: disconnected).</summary>
    [Irql(KIrql.Dispatch)] static abstract void AdapterSetLink(nint context, bool connected);

    // ---- user-space requests ----

    /// <summary>Completes a control-packet read the driver pended (<c>Driver.ReadControl</c> returned Pending).</summary>
    [Irql(KIrql.Dispatch)] static abstract void CompleteRead(nint context, nint request, NtStatus status, ReadOnlySpan<byte> data);

    /// <summary>Completes the oldest pending request of <paramref name="kind"/>; <paramref name="output"/> is copied.</summary>
    [Irql(KIrql.Dispatch)] static abstract void CompletePending(nint context, PendingKind kind, NtStatus status, ReadOnlySpan<byte> output);

    // ---- tracing ----

    /// <summary>
    /// A trace line. The driver's events are declared in <see cref="DriverTrace{TPlatform}"/>: compiled code calls their
    /// C functions (TraceLogging, the hosted sink) and never this; under .NET each event's line arrives here
    /// (<paramref name="message"/> = "Event field=value ...", <paramref name="a"/> = <paramref name="b"/> = 0).
    /// </summary>
    [Irql(KIrql.Dispatch)] static abstract void Trace(TraceLevel level, string message, long a, long b);
}
