namespace OvpnDco.Generators.Tests;

/// <summary>Small inputs shared by the golden tests.</summary>
internal static class Samples
{
    public const string Uapi = """
        using System.Runtime.InteropServices;
        using OvpnDco.Runtime.Uapi;

        namespace Sample
        {
            [UapiEnum("SAMPLE_PROTO", Prefix = "SAMPLE_PROTO_")]
            public enum SampleProto
            {
                Udp = 0,
                TcpLike = 1,
            }

            [UapiEnum("SAMPLE_FLAGS", Prefix = "SAMPLE_FLAG_", Defines = true)]
            public enum SampleFlags : uint
            {
                TagEnd = 2,
                [UapiName("SAMPLE_FLAG_WIDE_ID")]
                Wide = 4,
                Mixed = 6,
            }

            [UapiExternal("SOCKADDR_IN", 4)]
            [StructLayout(LayoutKind.Explicit, Size = 16)]
            public struct SockIn
            {
                [UapiName("sin_port")] [FieldOffset(2)] public ushort Port;
            }

            [UapiUnion]
            [StructLayout(LayoutKind.Explicit, Size = 16)]
            public struct AddrUnion
            {
                [FieldOffset(0)] public SockIn Addr4;
                [FieldOffset(0)] public uint Raw;
            }

            [UapiStruct("SAMPLE_PEER")]
            [StructLayout(LayoutKind.Explicit, Size = 32)]
            public unsafe struct SamplePeer
            {
                [FieldOffset(0)] public SampleProto Proto;
                [FieldOffset(4)] public fixed byte Tag[3];
                [FieldOffset(8)] public AddrUnion Addr;
                [UapiType("LONG64")] [FieldOffset(24)] public long Bytes;
            }

            [UapiStruct("SAMPLE_PEER_V2")]
            [StructLayout(LayoutKind.Explicit, Size = 40)]
            public struct SamplePeerV2
            {
                [FieldOffset(0)] public SamplePeer V1;
                [FieldOffset(32)] public SampleFlags Flags;
            }

            public static class SampleIoctl
            {
                [UapiIoctl("SAMPLE_IOCTL_PEER", 1, Input = typeof(SamplePeer), Modes = IoctlModes.P2P)]
                public const uint Peer = 0x00220004;

                [UapiIoctl("SAMPLE_IOCTL_STATS", 2, Output = typeof(long), Unconfirmed = true)]
                public const uint Stats = 0x00220008;
            }
        }
        """;

    public const string Dispatch = """
        using System;
        using OvpnDco.Runtime.Uapi;

        namespace Sample
        {
            public struct Peer
            {
                public int Id;
                public long Bytes;
            }

            public struct DriverState
            {
                public int Calls;
            }

            public static partial class Driver<TPlatform>
            {
                [Ioctl(1, Input = typeof(Peer), Modes = IoctlModes.P2P)]
                internal static NtStatus NewPeer(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
                {
                    state.Calls++;
                    return NtStatus.Success;
                }

                [Ioctl(0x00220008u, Output = typeof(long), Modes = IoctlModes.Any | IoctlModes.ControlDevice)]
                internal static NtStatus GetStats(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
                {
                    bytesReturned = 8;
                    return NtStatus.Success;
                }
            }
        }
        """;
}
