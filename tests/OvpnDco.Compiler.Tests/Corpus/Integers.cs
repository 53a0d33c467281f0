using OvpnDco.Runtime;

namespace Corpus;

/// <summary>Integer semantics of every width: wrapping, division, remainder, shifts, checked arithmetic.</summary>
[KernelCode]
public static class Integers
{
    [Export("add_i32"), Case(1, 2), Case(int.MaxValue, 1), Case(int.MinValue, -1), Case(-5, -7)]
    public static int AddI32(int a, int b) => a + b;

    [Export("sub_i32"), Case(1, 2), Case(int.MinValue, 1), Case(0, int.MinValue)]
    public static int SubI32(int a, int b) => a - b;

    [Export("mul_i32"), Case(46341, 46341), Case(-3, 7), Case(int.MinValue, -1), Case(65536, 65536)]
    public static int MulI32(int a, int b) => a * b;

    [Export("div_i32"), Case(7, 2), Case(-7, 2), Case(7, -2), Case(-7, -2), Case(int.MinValue, 2)]
    [Fails("division by zero", 1, 0), Fails("arithmetic overflow", int.MinValue, -1)]
    public static int DivI32(int a, int b) => a / b;

    [Export("rem_i32"), Case(7, 3), Case(-7, 3), Case(7, -3), Case(-7, -3)]
    [Fails("division by zero", 5, 0)]
    public static int RemI32(int a, int b) => a % b;

    [Export("div_u32"), Case(4294967295, 2), Case(7, 3)]
    [Fails("division by zero", 7, 0)]
    public static uint DivU32(uint a, uint b) => a / b;

    [Export("rem_u32"), Case(4294967295, 10), Case(10, 4294967295)]
    public static uint RemU32(uint a, uint b) => a % b;

    [Export("div_i64"), Case(long.MinValue, 3), Case(-9, 4)]
    [Fails("arithmetic overflow", long.MinValue, -1), Fails("division by zero", 1, 0)]
    public static long DivI64(long a, long b) => a / b;

    [Export("rem_i64"), Case(long.MinValue, 7), Case(-9, 4)]
    public static long RemI64(long a, long b) => a % b;

    [Export("div_u64"), Case(-1, 3), Case(100, 7)]
    public static ulong DivU64(ulong a, ulong b) => a / b;

    [Export("div_by_const"), Case(-7), Case(int.MinValue), Case(100)]
    public static int DivByConst(int a) => a / 4 + a % 3 - a / -2;

    [Export("add_i64"), Case(long.MaxValue, 1), Case(-1, -1)]
    public static long AddI64(long a, long b) => a + b;

    [Export("mul_i64"), Case(long.MaxValue, 2), Case(-4294967296, 4294967296)]
    public static long MulI64(long a, long b) => a * b;

    [Export("mul_u64"), Case(-1, -1), Case(4294967296, 4294967297)]
    public static ulong MulU64(ulong a, ulong b) => a * b;

    [Export("add_u8"), Case(200, 100), Case(255, 1)]
    public static byte AddU8(byte a, byte b) => (byte)(a + b);

    [Export("add_i8"), Case(127, 1), Case(-128, -1)]
    public static sbyte AddI8(sbyte a, sbyte b) => (sbyte)(a + b);

    [Export("mul_u16"), Case(65535, 65535), Case(300, 300)]
    public static int MulU16(ushort a, ushort b) => a * b;

    [Export("mul_u16_wrap"), Case(65535, 65535)]
    public static uint MulU16Wrap(ushort a, ushort b) => (uint)(a * b);

    [Export("mul_i16"), Case(-32768, -32768), Case(181, 181)]
    public static short MulI16(short a, short b) => (short)(a * b);

    [Export("neg_i32"), Case(int.MinValue), Case(5), Case(0)]
    public static int NegI32(int a) => -a;

    [Export("neg_i64"), Case(long.MinValue), Case(-5)]
    public static long NegI64(long a) => -a;

    [Export("not_u32"), Case(0), Case(0x12345678)]
    public static uint NotU32(uint a) => ~a;

    [Export("bitops_i32"), Case(0x0F0F, 0x00FF), Case(-1, 0x55AA)]
    public static int BitOps(int a, int b) => (a & b) ^ (a | ~b);

    [Export("bitops_mixed"), Case(0xF0, -1), Case(0x80, 0x7F)]
    public static uint BitOpsMixed(byte a, int b) => (uint)(a & b) | (uint)(a ^ (byte)b);

    [Export("shl_i32"), Case(1, 31), Case(1, 32), Case(1, 33), Case(-1, 63), Case(3, -1)]
    public static int ShlI32(int a, int n) => a << n;

    [Export("shr_i32"), Case(-16, 2), Case(-16, 34), Case(int.MinValue, 31)]
    public static int ShrI32(int a, int n) => a >> n;

    [Export("shr_u32"), Case(0x80000000, 31), Case(0x80000000, 63), Case(-1, 1)]
    public static uint ShrU32(uint a, int n) => a >> n;

    [Export("shl_i64"), Case(1, 63), Case(1, 64), Case(1, 65)]
    public static long ShlI64(long a, int n) => a << n;

    [Export("shr_i64"), Case(long.MinValue, 63), Case(-256, 68)]
    public static long ShrI64(long a, int n) => a >> n;

    [Export("shr_u64"), Case(long.MinValue, 63), Case(-1, 127)]
    public static ulong ShrU64(ulong a, int n) => a >> n;

    [Export("urshift_i32"), Case(-1, 28), Case(-8, 1)]
    public static int UnsignedRightShift(int a, int n) => a >>> n;

    [Export("shift_const"), Case(0x12345678)]
    public static uint ShiftConst(uint a) => (a << 7) | (a >> 25);

    [Export("checked_add_i32"), Case(1, 2)]
    [Fails("arithmetic overflow", int.MaxValue, 1), Fails("arithmetic overflow", int.MinValue, -1)]
    public static int CheckedAddI32(int a, int b) => checked(a + b);

    [Export("checked_sub_u32"), Case(5, 3)]
    [Fails("arithmetic overflow", 3, 5)]
    public static uint CheckedSubU32(uint a, uint b) => checked(a - b);

    [Export("checked_mul_i64"), Case(3037000499, 3037000499), Case(-4, 5)]
    [Fails("arithmetic overflow", long.MaxValue, 2), Fails("arithmetic overflow", long.MinValue, -1)]
    public static long CheckedMulI64(long a, long b) => checked(a * b);

    [Export("checked_mul_u32"), Case(65535, 65537)]
    [Fails("arithmetic overflow", 65536, 65536)]
    public static uint CheckedMulU32(uint a, uint b) => checked(a * b);

    [Export("checked_add_u64"), Case(1, 2)]
    [Fails("arithmetic overflow", -1, 1)]
    public static ulong CheckedAddU64(ulong a, ulong b) => checked(a + b);

    [Export("checked_sub_i64"), Case(-5, 7)]
    [Fails("arithmetic overflow", long.MinValue, 1)]
    public static long CheckedSubI64(long a, long b) => checked(a - b);

    [Export("compare_signed"), Case(-1, 1), Case(1, -1), Case(3, 3)]
    public static int CompareSigned(int a, int b) => (a < b ? 1 : 0) + (a > b ? 2 : 0) + (a <= b ? 4 : 0) + (a >= b ? 8 : 0) + (a == b ? 16 : 0) + (a != b ? 32 : 0);

    [Export("compare_unsigned"), Case(-1, 1), Case(1, -1), Case(7, 7)]
    public static int CompareUnsigned(uint a, uint b) => (a < b ? 1 : 0) + (a > b ? 2 : 0) + (a <= b ? 4 : 0) + (a >= b ? 8 : 0);

    [Export("compare_u64"), Case(-1, 1), Case(0, 0)]
    public static bool CompareU64(ulong a, ulong b) => a > b;

    [Export("compare_bytes"), Case(200, 100), Case(1, 255)]
    public static bool CompareBytes(byte a, byte b) => a > b;

    [Export("bool_logic"), Case(1, 0), Case(1, 1), Case(0, 0)]
    public static bool BoolLogic(bool a, bool b) => (a && !b) || (a == b && a) || (a ^ b) & !a;

    [Export("char_math"), Case('a'), Case(0xFFFF)]
    public static int CharMath(char c) => c + 1;

    [Export("nint_math"), Case(5, 7), Case(-1, 1)]
    public static long NintMath(nint a, nint b) => a * b + (a << 3) - (b >> 1);

    [Export("nuint_math"), Case(5, 7), Case(-1, 2)]
    public static ulong NuintMath(nuint a, nuint b) => (a / b) + (a % b) + (a >> 1);
}
