using System.Numerics;
using OvpnDco.Runtime;

namespace Bench;

/// <summary>The ChaCha20 block function (RFC 8439 §2.3) in kernel-subset C#.</summary>
[KernelCode]
public static unsafe class ChaCha20
{
    private static void QuarterRound(uint* x, int a, int b, int c, int d)
    {
        x[a] += x[b]; x[d] = BitOperations.RotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d]; x[b] = BitOperations.RotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b]; x[d] = BitOperations.RotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d]; x[b] = BitOperations.RotateLeft(x[b] ^ x[c], 7);
    }

    [Export("cs_chacha20_block")]
    public static void Block(uint* state, uint* output)
    {
        var x = stackalloc uint[16];
        for (var i = 0; i < 16; i++)
            x[i] = state[i];
        for (var round = 0; round < 10; round++)
        {
            QuarterRound(x, 0, 4, 8, 12);
            QuarterRound(x, 1, 5, 9, 13);
            QuarterRound(x, 2, 6, 10, 14);
            QuarterRound(x, 3, 7, 11, 15);
            QuarterRound(x, 0, 5, 10, 15);
            QuarterRound(x, 1, 6, 11, 12);
            QuarterRound(x, 2, 7, 8, 13);
            QuarterRound(x, 3, 4, 9, 14);
        }
        for (var i = 0; i < 16; i++)
            output[i] = x[i] + state[i];
    }
}
