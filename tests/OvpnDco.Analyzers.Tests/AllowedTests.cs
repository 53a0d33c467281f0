using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>The kernel subset DESIGN.md allows: a driver-shaped sample that must produce no diagnostic at all.</summary>
public class AllowedTests
{
    [Test]
    public Task TheAllowedKernelSubsetProducesNoDiagnostics() => VerifyAsync("""
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using System.Threading;
        using OvpnDco.Runtime;

        public interface IPlatform
        {
            static abstract unsafe void* Alloc(nuint size, uint tag);
            static abstract unsafe void Free(void* block, uint tag);
            static abstract ulong NowMilliseconds { get; }
            static abstract void Trace(string eventName, int value);
            static abstract int Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, Span<byte> data);
        }

        public enum Status : int { Success = 0, NoMemory = -1, InvalidPacket = -2 }

        [Flags]
        public enum PeerFlags : byte { None = 0, Keepalive = 1, Float = 2 }

        [KernelCode]
        [StructLayout(LayoutKind.Sequential, Pack = 1)]
        public unsafe struct PacketHeader
        {
            public byte Opcode;
            public fixed byte SessionId[8];
            public uint PacketId;
        }

        [KernelCode]
        public struct ReplayWindow
        {
            private ulong _bitmap;
            private uint _highest;

            public bool Accept(uint id)
            {
                if (id > _highest)
                {
                    int shift = (int)Math.Min(id - _highest, 64u);
                    _bitmap = shift >= 64 ? 1UL : (_bitmap << shift) | 1UL;
                    _highest = id;
                    return true;
                }
                uint distance = _highest - id;
                if (distance >= 64)
                    return false;
                ulong bit = 1UL << (int)distance;
                bool seen = (_bitmap & bit) != 0;
                _bitmap |= bit;
                return !seen;
            }
        }

        [KernelCode]
        public static unsafe class Driver<TPlatform> where TPlatform : IPlatform
        {
            private const uint PoolTag = 0x4F56_4450u; // 'OVDP'
            private const string PeerAddedEvent = "PeerAdded";
            private static readonly byte[] Opcodes = { 0x20, 0x48, 0x50 };
            private static readonly PeerFlags[] DefaultFlags = { PeerFlags.Keepalive };
            private static ReadOnlySpan<byte> Ping => new byte[] { 0x2a, 0x18, 0x7b, 0xf3 };
            private static ReplayWindow s_window;
            private static long s_packets;
            private static delegate* unmanaged<int, void> s_completion;

            public static Status AddPeer(int peerId, out PacketHeader* header)
            {
                header = (PacketHeader*)TPlatform.Alloc((nuint)sizeof(PacketHeader), PoolTag);
                if (header == null)
                    return Status.NoMemory;
                header->Opcode = Opcodes[0];
                header->SessionId[0] = (byte)peerId;
                TPlatform.Trace(PeerAddedEvent, peerId);
                TPlatform.Trace("peer-added-literal", peerId);
                TPlatform.Trace(nameof(AddPeer), sizeof(ulong));
                return Status.Success;
            }

            public static void RemovePeer(PacketHeader* header) => TPlatform.Free(header, PoolTag);

            public static Status Encrypt(in PacketHeader header, ReadOnlySpan<byte> key, Span<byte> payload, ref uint packetId)
            {
                Span<byte> nonce = stackalloc byte[12];
                BitConverterHelpers.WriteUInt32(nonce, checked(packetId + 1));
                packetId = unchecked(packetId + 1);
                fixed (byte* p = payload)
                {
                    if (p == null && !payload.IsEmpty)
                        return Status.InvalidPacket;
                }
                foreach (ref byte b in payload.Slice(0, Math.Min(payload.Length, 4)))
                    b ^= Ping[0];
                Interlocked.Increment(ref s_packets);
                return TPlatform.Seal(key, nonce, payload) == 0 && s_window.Accept(packetId) ? Status.Success : Status.InvalidPacket;
            }

            public static bool IsData(byte opcode) => (opcode >> 3) switch { 6 or 9 => true, _ => false };

            public static int Width<T>() where T : unmanaged => typeof(T) == typeof(byte) ? 1 : sizeof(T);

            public static void SetCompletion(delegate* unmanaged<int, void> completion) => s_completion = completion;

            public static void Complete(int status)
            {
                static int Normalize(int s) => s < 0 ? -1 : 0;
                if (s_completion != null)
                    s_completion(Normalize(status));
            }

            public static bool KeepaliveDue(ulong lastRx) =>
                TPlatform.NowMilliseconds - lastRx > 10_000 && (DefaultFlags[0] & PeerFlags.Keepalive) != 0;

            public static T Max<T>(T a, T b) where T : struct, IComparable<T> => a.CompareTo(b) >= 0 ? a : b;

            public static ref T Element<T>(Span<T> span, int index) where T : unmanaged => ref span[index];

            public static nuint Distance(byte* start, byte* end) => (nuint)(end - start);

            public static int Sum(ReadOnlySpan<int> values, int? extra)
            {
                int total = extra ?? 0;
                for (int i = 0; i < values.Length; i++)
                    total += values[i];
                var (q, r) = (total / 4, total % 4);
                return q + r + Unsafe.SizeOf<PacketHeader>();
            }
        }

        [KernelCode]
        internal static class BitConverterHelpers
        {
            public static void WriteUInt32(Span<byte> destination, uint value)
            {
                destination[0] = (byte)(value >> 24);
                destination[1] = (byte)(value >> 16);
                destination[2] = (byte)(value >> 8);
                destination[3] = (byte)value;
            }
        }
        """);
}
