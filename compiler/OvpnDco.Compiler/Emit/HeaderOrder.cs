using System;
using System.Collections.Generic;
using System.Linq;

namespace OvpnDco.Compiler.Emit;

/// <summary>
/// The order of the headers the generated header includes. The WDK's headers are not self-contained: the kernel
/// base headers (ntddk.h/wdm.h/ntifs.h) must come first, then wdf.h, then what builds on KMDF (NetAdapterCx) and
/// the rest; netiodef/wsk and bcrypt need the base headers; NetAdapterCx's net/*.h helpers last (they need
/// netadaptercx.h's types). Within a rank, ordinal order (deterministic).
/// </summary>
public static class HeaderOrder
{
    private static readonly string[] First = { "ntifs.h", "ntddk.h", "wdm.h", "ndis.h" };
    private static readonly string[] Second = { "wdf.h" };

    public static IEnumerable<string> Sort(IEnumerable<string> headers) =>
        headers.Distinct(StringComparer.Ordinal)
            .OrderBy(h => Array.IndexOf(First, h) is var i and >= 0 ? i
                : Array.IndexOf(Second, h) >= 0 ? First.Length
                : h.StartsWith("net/", StringComparison.Ordinal) ? First.Length + 2
                : First.Length + 1)
            .ThenBy(h => h, StringComparer.Ordinal);
}
