namespace OvpnDco.Driver;

/// <summary>Outcome of a replay check.</summary>
public enum ReplayResult
{
    Accepted = 0,
    ZeroId = 1,
    Duplicate = 2,
    TooOld = 3,
}

/// <summary>
/// Sliding replay window of <see cref="Size"/> packet ids per key slot (a ring bitmap indexed by id mod Size).
/// Applied after the tag verifies. id 0 is rejected; an id above the highest slides the window (a jump of
/// Size or more clears it); an id at or below the highest is accepted once if within the window and above the
/// floor. After <see cref="Proto.ReplayIdleMs"/> without an accepted packet the floor rises to the highest id.
/// </summary>
public unsafe struct ReplayWindow
{
    public const int Size = 2048;
    private const int Words = Size / 64;

    public ulong Highest;
    public ulong Floor;
    public long LastAcceptMs;
    private fixed ulong _bits[Words];

    public void Reset()
    {
        Highest = 0;
        Floor = 0;
        LastAcceptMs = 0;
        for (int i = 0; i < Words; i++)
            _bits[i] = 0;
    }

    private readonly bool IsSet(ulong id) => (_bits[(int)((id >> 6) & (Words - 1))] & (1ul << (int)(id & 63))) != 0;

    private void Set(ulong id) => _bits[(int)((id >> 6) & (Words - 1))] |= 1ul << (int)(id & 63);

    private void Clear(ulong id) => _bits[(int)((id >> 6) & (Words - 1))] &= ~(1ul << (int)(id & 63));

    /// <summary>Checks <paramref name="id"/> and records it when accepted.</summary>
    public ReplayResult Update(ulong id, long nowMs)
    {
        if (id == 0)
            return ReplayResult.ZeroId;
        if (Highest != 0 && nowMs - LastAcceptMs > Proto.ReplayIdleMs)
            Floor = Highest;
        if (id > Highest)
        {
            ulong jump = id - Highest;
            if (jump >= Size)
            {
                for (int i = 0; i < Words; i++)
                    _bits[i] = 0;
            }
            else
            {
                for (ulong x = Highest + 1; x < id; x++)
                    Clear(x);
            }
            Set(id);
            Highest = id;
            LastAcceptMs = nowMs;
            return ReplayResult.Accepted;
        }
        if (Highest - id >= Size || id <= Floor)
            return ReplayResult.TooOld;
        if (IsSet(id))
            return ReplayResult.Duplicate;
        Set(id);
        LastAcceptMs = nowMs;
        return ReplayResult.Accepted;
    }
}
