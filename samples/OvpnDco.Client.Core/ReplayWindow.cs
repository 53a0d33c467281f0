namespace OvpnDco.Client;

/// <summary>A small sliding replay window (64 ids) for the packet ids of tls-auth/tls-crypt.</summary>
internal sealed class ReplayWindow
{
    private uint _highest;
    private ulong _seen;   // bit i: _highest - i was seen

    public bool Check(uint id)
    {
        if (id == 0)
            return false;
        if (id > _highest)
            return true;
        uint back = _highest - id;
        return back < 64 && (_seen & (1UL << (int)back)) == 0;
    }

    public void Mark(uint id)
    {
        if (id > _highest)
        {
            uint shift = id - _highest;
            _seen = shift >= 64 ? 0 : _seen << (int)shift;
            _highest = id;
            _seen |= 1;
        }
        else
        {
            _seen |= 1UL << (int)(_highest - id);
        }
    }
}
