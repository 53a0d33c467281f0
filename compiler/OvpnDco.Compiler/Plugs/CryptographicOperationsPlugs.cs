namespace OvpnDco.Compiler.Plugs;

/// <summary>System.Security.Cryptography.CryptographicOperations: constant-time compare and zeroing.</summary>
internal static class CryptographicOperationsPlugs
{
    public static void Register(PlugRegistry r)
    {
        const string type = "System.Security.Cryptography.CryptographicOperations";
        r.Add(type, "FixedTimeEquals", c =>
        {
            var a = SpanShapes.Value(c, c[0]);
            var b = SpanShapes.Value(c, c[1]);
            return SpanShapes.Bool($"ovpn_rt_fixed_time_equals({SpanShapes.Ptr(a)}, {SpanShapes.Len(a)}, {SpanShapes.Ptr(b)}, {SpanShapes.Len(b)})", a, b);
        });
        r.Add(type, "ZeroMemory", c =>
        {
            var s = SpanShapes.Value(c, c[0]);
            // Not memset: zeroing a secret right before its memory is freed is a dead store an optimiser may drop.
            c.Statement($"ovpn_rt_secure_zero({SpanShapes.Ptr(s)}, (size_t){SpanShapes.Len(s)});");
            return null;
        });
    }
}
