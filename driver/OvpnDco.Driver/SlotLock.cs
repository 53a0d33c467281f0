using System.Threading;

namespace OvpnDco.Driver;

/// <summary>
/// The lock of one key slot: an atomic word, held for the few instructions of a replay-window update (classic keys)
/// or for one epoch seal/open (epoch keys, whose send and receive state move together). Taken only inside the shared
/// device lock, never across a platform call other than the AEAD of an epoch slot, and never nested.
/// </summary>
public static class SlotLock
{
    public static void Enter(ref int word)
    {
        // Interlocked on both sides (not a volatile store): ThreadSanitizer and the C11 memory model then see the
        // acquire/release pair that orders the window's plain accesses.
        while (Interlocked.CompareExchange(ref word, 1, 0) != 0)
        {
            // Test and test-and-set: while the word is taken, watch it with loads (the cache line stays shared
            // instead of bouncing between the CPUs on every failed compare-exchange) and a spin-loop hint.
            while (Volatile.Read(ref word) != 0)
                Thread.SpinWait(1);
        }
    }

    public static void Exit(ref int word) => Interlocked.Exchange(ref word, 0);
}
