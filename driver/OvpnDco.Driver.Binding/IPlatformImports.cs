using OvpnDco.Driver.Platform;

namespace OvpnDco.Driver.Binding;

/// <summary>
/// The C functions a platform backend provides, as static members a struct of [Import] externs implements
/// (HostedImports → runtime-kernel/hosted, KernelImports → runtime-kernel/km). Pointer + length arguments only.
/// </summary>
public unsafe interface IPlatformImports
{
    static abstract void* Alloc(nuint size, uint tag);
    static abstract void Free(void* memory, uint tag);
    static abstract int LockInit(nint* handle);
    static abstract byte LockAcquire(nint handle);
    static abstract void LockRelease(nint handle, byte previous);
    static abstract byte LockAcquireShared(nint handle);
    static abstract void LockReleaseShared(nint handle, byte previous);
    static abstract void LockDestroy(nint* handle);
    static abstract long NowMs();
    static abstract int CurrentProcessor();
    static abstract int AeadCreate(int alg, byte* key, int keyLength, nint* handle);
    static abstract void AeadDestroy(nint* handle);
    static abstract bool AeadSeal(nint key, byte* nonce, byte* aad, int aadLength, byte* plaintext, int length, byte* ciphertext, byte* tag);
    static abstract bool AeadOpen(nint key, byte* nonce, byte* aad, int aadLength, byte* ciphertext, int length, byte* tag, byte* plaintext);
    static abstract int HkdfExpandSha256(byte* prk, int prkLength, byte* info, int infoLength, byte* output, int outputLength);
    static abstract void Trace(TraceLevel level, string message, long a, long b);
    static abstract int TransportOpen(nint context, int proto, void* local, void* remote);
    static abstract int TransportListen(nint context, void* listen, bool ipv6Only);
    static abstract void TransportClose(nint context);
    static abstract byte* TransportBuffer(nint context, int size);
    static abstract void TransportBufferRelease(nint context, byte* buffer);
    static abstract int TransportSend(nint context, int proto, void* remote, byte* data, int length);
    static abstract byte* AdapterBuffer(nint context, int size);
    static abstract void AdapterBufferRelease(nint context, byte* buffer);
    static abstract void AdapterDeliver(nint context, byte* packet, int length);
    static abstract void AdapterSetLink(nint context, bool connected);
    static abstract void CompleteRead(nint context, nint request, int status, byte* data, int length);
    static abstract void CompletePending(nint context, int kind, int status, byte* output, int length);
    static abstract void TimerArm(nint context, long dueMs);
    static abstract void TimerCancel(nint context);
}
