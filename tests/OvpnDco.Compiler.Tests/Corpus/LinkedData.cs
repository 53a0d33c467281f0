using System.Runtime.InteropServices;
using OvpnDco.Runtime;

namespace Corpus;

/// <summary>A struct that points at itself (the driver's peer lists and tables look like this).</summary>
[KernelCode]
public unsafe struct Node
{
    public int Value;
    public Node* Next;
    public Node* Prev;
}

/// <summary>Explicit layout where several fields share an offset (like the uapi sockaddr unions).</summary>
[KernelCode]
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct Key
{
    [FieldOffset(0)] public ulong Low;
    [FieldOffset(8)] public ulong High;
    [FieldOffset(8)] public uint HighWord;
    [FieldOffset(8)] public byte HighByte;
    [FieldOffset(12)] public ushort Port;
}

[KernelCode]
public static unsafe class LinkedData
{
    [Export("linked_list_walk"), Case(5), Case(1)]
    public static int Walk(int n)
    {
        var nodes = stackalloc Node[8];
        Node* head = null;
        for (var i = 0; i < n && i < 8; i++)
        {
            nodes[i].Value = i * i + 1;
            nodes[i].Next = head;
            if (head != null)
                head->Prev = &nodes[i];
            head = &nodes[i];
        }
        var sum = 0;
        for (var p = head; p != null; p = p->Next)
            sum = sum * 3 + p->Value;
        return Find(head, 5, out var found) ? sum * 10 + (found->Prev == null ? 1 : 2) : sum * 10;
    }

    private static bool Find(Node* head, int value, out Node* found)
    {
        for (found = head; found != null; found = found->Next)
            if (found->Value == value)
                return true;
        return false;
    }

    [Export("explicit_shared_offsets"), Case(0x1122334455667788)]
    public static long SharedOffsets(long v)
    {
        Key k = default;
        k.Low = (ulong)v;
        k.High = (ulong)v * 3;
        return k.HighByte + (long)k.HighWord * 1000 + k.Port;
    }
}
