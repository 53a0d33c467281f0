using System;
using System.Runtime.InteropServices;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>N zeroed peers stored in a <see cref="PeerStore"/>, for the struct-level tests of tables, routes and the heap.</summary>
public sealed unsafe class FakePeers : IDisposable
{
    private readonly Peer* _peers;
    private PeerStore* _store;

    public FakePeers(int count)
    {
        Count = count;
        _peers = (Peer*)NativeMemory.AllocZeroed((nuint)(count * sizeof(Peer)));
        _store = (PeerStore*)NativeMemory.AllocZeroed((nuint)sizeof(PeerStore));
        if (PeerStoreOps<ManagedPlatform>.Init(ref *_store, 4) != NtStatus.Success)
            throw new InvalidOperationException("store");
        for (int i = 0; i < count; i++)
        {
            if (PeerStoreOps<ManagedPlatform>.Insert(ref *_store, _peers + i, out _peers[i].Self) != NtStatus.Success)
                throw new InvalidOperationException("insert");
        }
    }

    public int Count { get; }

    public ref PeerStore Store => ref *_store;

    public Peer* this[int i] => _peers + i;

    public PeerRef Ref(int i) => _peers[i].Self;

    /// <summary>The index of the fake peer a reference names, -1 for None or a stale reference.</summary>
    public int IndexOf(PeerRef r)
    {
        Peer* p = PeerStoreOps<ManagedPlatform>.Get(ref *_store, r);
        return p == null ? -1 : (int)(p - _peers);
    }

    public void Dispose()
    {
        if (_store == null)
            return;
        PeerStoreOps<ManagedPlatform>.Free(ref *_store);
        NativeMemory.Free(_store);
        NativeMemory.Free(_peers);
        _store = null;
    }
}
