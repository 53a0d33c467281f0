using OvpnDco.Driver.Binding;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime;

namespace OvpnDco.Driver.Hosted;

/// <summary>
/// Raw bindings to the hosted C backend (runtime-kernel/include/ovpn_hosted.h and ovpn_host.h), one [Import] per
/// C function, pointer + length arguments only. <see cref="BoundPlatform{TImports}"/> is the safe layer over these.
/// </summary>
public unsafe struct HostedImports : IPlatformImports
{
    [Import("ovpn_hosted_alloc", Header = "ovpn_hosted.h")] public static extern void* Alloc(nuint size, uint tag);
    [Import("ovpn_hosted_free", Header = "ovpn_hosted.h")] public static extern void Free(void* memory, uint tag);
    [Import("ovpn_hosted_lock_init", Header = "ovpn_hosted.h")] public static extern int LockInit(nint* handle);
    [Import("ovpn_hosted_lock_acquire", Header = "ovpn_hosted.h")] public static extern byte LockAcquire(nint handle);
    [Import("ovpn_hosted_lock_release", Header = "ovpn_hosted.h")] public static extern void LockRelease(nint handle, byte previous);
    [Import("ovpn_hosted_lock_acquire_shared", Header = "ovpn_hosted.h")] public static extern byte LockAcquireShared(nint handle);
    [Import("ovpn_hosted_lock_release_shared", Header = "ovpn_hosted.h")] public static extern void LockReleaseShared(nint handle, byte previous);
    [Import("ovpn_hosted_lock_destroy", Header = "ovpn_hosted.h")] public static extern void LockDestroy(nint* handle);
    [Import("ovpn_hosted_now_ms", Header = "ovpn_hosted.h")] public static extern long NowMs();
    [Import("ovpn_hosted_current_processor", Header = "ovpn_hosted.h")] public static extern int CurrentProcessor();
    [Import("ovpn_hosted_aead_create", Header = "ovpn_hosted.h")] public static extern int AeadCreate(int alg, byte* key, int keyLength, nint* handle);
    [Import("ovpn_hosted_aead_destroy", Header = "ovpn_hosted.h")] public static extern void AeadDestroy(nint* handle);
    [Import("ovpn_hosted_aead_seal", Header = "ovpn_hosted.h")]
    public static extern bool AeadSeal(nint key, byte* nonce, byte* aad, int aadLength, byte* plaintext, int length, byte* ciphertext, byte* tag);
    [Import("ovpn_hosted_aead_open", Header = "ovpn_hosted.h")]
    public static extern bool AeadOpen(nint key, byte* nonce, byte* aad, int aadLength, byte* ciphertext, int length, byte* tag, byte* plaintext);
    [Import("ovpn_hosted_hkdf_sha256_expand", Header = "ovpn_hosted.h")]
    public static extern int HkdfExpandSha256(byte* prk, int prkLength, byte* info, int infoLength, byte* output, int outputLength);
    [Import("ovpn_hosted_trace", Header = "ovpn_hosted.h")] public static extern void Trace(TraceLevel level, string message, long a, long b);

    [Import("ovpn_host_transport_open", Header = "ovpn_host.h")] public static extern int TransportOpen(nint context, int proto, void* local, void* remote);
    [Import("ovpn_host_transport_listen", Header = "ovpn_host.h")] public static extern int TransportListen(nint context, void* listen, bool ipv6Only);
    [Import("ovpn_host_transport_close", Header = "ovpn_host.h")] public static extern void TransportClose(nint context);
    [Import("ovpn_host_transport_buffer", Header = "ovpn_host.h")] public static extern byte* TransportBuffer(nint context, int size);
    [Import("ovpn_host_transport_buffer_release", Header = "ovpn_host.h")] public static extern void TransportBufferRelease(nint context, byte* buffer);
    [Import("ovpn_host_adapter_buffer", Header = "ovpn_host.h")] public static extern byte* AdapterBuffer(nint context, int size);
    [Import("ovpn_host_adapter_buffer_release", Header = "ovpn_host.h")] public static extern void AdapterBufferRelease(nint context, byte* buffer);
    [Import("ovpn_host_transport_send", Header = "ovpn_host.h")] public static extern int TransportSend(nint context, int proto, void* remote, byte* data, int length);
    [Import("ovpn_host_adapter_deliver", Header = "ovpn_host.h")] public static extern void AdapterDeliver(nint context, byte* packet, int length);
    [Import("ovpn_host_adapter_set_link", Header = "ovpn_host.h")] public static extern void AdapterSetLink(nint context, bool connected);
    [Import("ovpn_host_complete_read", Header = "ovpn_host.h")] public static extern void CompleteRead(nint context, nint request, int status, byte* data, int length);
    [Import("ovpn_host_complete_pending", Header = "ovpn_host.h")] public static extern void CompletePending(nint context, int kind, int status, byte* output, int length);
    [Import("ovpn_host_timer_arm", Header = "ovpn_host.h")] public static extern void TimerArm(nint context, long dueMs);
    [Import("ovpn_host_timer_cancel", Header = "ovpn_host.h")] public static extern void TimerCancel(nint context);
}
