using OvpnDco.Runtime;

namespace Corpus;

/// <summary>conv.* and conv.ovf.* between every integer width.</summary>
[KernelCode]
public static class Conversions
{
    [Export("conv_i32_to_i8"), Case(200), Case(-129), Case(127)]
    public static sbyte I32ToI8(int v) => (sbyte)v;

    [Export("conv_i32_to_u8"), Case(-1), Case(256), Case(255)]
    public static byte I32ToU8(int v) => (byte)v;

    [Export("conv_i32_to_i16"), Case(40000), Case(-40000)]
    public static short I32ToI16(int v) => (short)v;

    [Export("conv_i32_to_u16"), Case(-1), Case(70000)]
    public static ushort I32ToU16(int v) => (ushort)v;

    [Export("conv_i32_to_i64"), Case(-1), Case(int.MinValue)]
    public static long I32ToI64(int v) => v;

    [Export("conv_u32_to_i64"), Case(-1), Case(0x80000000)]
    public static long U32ToI64(uint v) => v;

    [Export("conv_i32_to_u64"), Case(-1)]
    public static ulong I32ToU64(int v) => (ulong)v;

    [Export("conv_u32_to_u64"), Case(-1)]
    public static ulong U32ToU64(uint v) => v;

    [Export("conv_i64_to_i32"), Case(0x1_0000_0001), Case(-4294967297)]
    public static int I64ToI32(long v) => (int)v;

    [Export("conv_u64_to_u8"), Case(0x1234)]
    public static byte U64ToU8(ulong v) => (byte)v;

    [Export("conv_i8_to_u32"), Case(-1)]
    public static uint I8ToU32(sbyte v) => (uint)v;

    [Export("conv_u8_to_i8"), Case(255)]
    public static int U8ToI8(byte v) => (sbyte)v;

    [Export("conv_i16_to_u64"), Case(-2)]
    public static ulong I16ToU64(short v) => (ulong)v;

    [Export("conv_widen_sum"), Case(-1, 255, -1)]
    public static long WidenSum(sbyte a, byte b, short c) => a + b + c + (long)(uint)a;

    [Export("conv_nint"), Case(-5), Case(int.MaxValue)]
    public static long ToNint(int v) => (nint)v + (nint)(uint)v;

    [Export("conv_ovf_i32_to_u8"), Case(255)]
    [Fails("arithmetic overflow", 256), Fails("arithmetic overflow", -1)]
    public static byte OvfI32ToU8(int v) => checked((byte)v);

    [Export("conv_ovf_i64_to_i32"), Case(-2147483648)]
    [Fails("arithmetic overflow", 2147483648)]
    public static int OvfI64ToI32(long v) => checked((int)v);

    [Export("conv_ovf_u32_to_i32"), Case(2147483647)]
    [Fails("arithmetic overflow", 2147483648)]
    public static int OvfU32ToI32(uint v) => checked((int)v);

    [Export("conv_ovf_i32_to_u32"), Case(5)]
    [Fails("arithmetic overflow", -5)]
    public static uint OvfI32ToU32(int v) => checked((uint)v);

    [Export("conv_ovf_u64_to_i64"), Case(long.MaxValue)]
    [Fails("arithmetic overflow", -1)]
    public static long OvfU64ToI64(ulong v) => checked((long)v);

    [Export("conv_ovf_i64_to_u64"), Case(7)]
    [Fails("arithmetic overflow", -7)]
    public static ulong OvfI64ToU64(long v) => checked((ulong)v);

    [Export("conv_ovf_i32_to_i8"), Case(-128)]
    [Fails("arithmetic overflow", 128)]
    public static sbyte OvfI32ToI8(int v) => checked((sbyte)v);

    [Export("conv_ovf_u16_to_i16"), Case(32767)]
    [Fails("arithmetic overflow", 32768)]
    public static short OvfU16ToI16(ushort v) => checked((short)v);
}
