using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// A walk over the bytes a WSK_BUF describes, piece by piece: its MDL chain from the buffer's offset (which may pass
/// whole MDLs: headers the stack left in front), each MDL mapped into system space, until Length bytes were handed out.
/// UDP walks a datagram the stack reassembled (copied into one buffer), TCP an indication (each piece to the core).
/// </summary>
public unsafe struct WskBufPieces
{
    public MDL* Mdl;
    public nuint Skip;

    /// <summary>Bytes not handed out yet: 0 once the walk is complete.</summary>
    public nuint Left;

    public static WskBufPieces Of(WSK_BUF* buffer) =>
        new WskBufPieces { Mdl = (MDL*)buffer->Mdl.Value, Skip = (uint)buffer->Offset, Left = buffer->Length };

    /// <summary>
    /// The next piece; false when every byte was handed out, or the chain ended early or an MDL could not be mapped
    /// (then <see cref="Left"/> is not 0).
    /// </summary>
    public static bool Next<TWdk>(ref WskBufPieces walk, out byte* data, out int length)
        where TWdk : IWdk
    {
        data = null;
        length = 0;
        for (; walk.Mdl != null && walk.Left > 0; walk.Mdl = walk.Mdl->Next)
        {
            nuint count = (uint)walk.Mdl->ByteCount;
            if (walk.Skip >= count)
            {
                walk.Skip -= count;
                continue;
            }
            byte* va = Map<TWdk>(walk.Mdl);
            if (va == null)
                return false;
            nuint piece = count - walk.Skip < walk.Left ? count - walk.Skip : walk.Left;
            data = va + walk.Skip;
            length = (int)piece;
            walk.Left -= piece;
            walk.Skip = 0;
            walk.Mdl = walk.Mdl->Next;
            return true;
        }
        return false;
    }

    /// <summary>An MDL's pages mapped into system space, non-executable; null when the system cannot map them.</summary>
    public static byte* Map<TWdk>(MDL* mdl)
        where TWdk : IWdk =>
        (byte*)TWdk.MmGetSystemAddressForMdlSafe(new PMDL { Value = (nint)mdl }, (ULONG)(MmConstants.NormalPagePriority | MmConstants.MdlMappingNoExecute));
}
