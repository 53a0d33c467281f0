using System;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OvpnDco.Uapi.Client;

/// <summary>
/// <see cref="IPEndPoint"/>/<see cref="IPAddress"/> ↔ the ABI's Windows socket addresses. Windows family values
/// (AF_INET6 = 23) and big-endian ports regardless of the host; IPv6 scope ids kept. Invalid input (wrong family,
/// short buffer, out-of-range scope id) throws <see cref="ArgumentException"/>/<see cref="FormatException"/>, or
/// returns false from the Try methods.
/// </summary>
public static class SockAddrConverter
{
    /// <summary>An IPv4 endpoint as SOCKADDR_IN.</summary>
    public static SockAddrIn ToSockAddrIn(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (endPoint.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"SOCKADDR_IN holds IPv4 endpoints, not {endPoint.AddressFamily} ({endPoint})", nameof(endPoint));
        var result = new SockAddrIn { Family = WinAddressFamily.Inet, Port = (ushort)endPoint.Port };
        result.Addr = ToInAddr(endPoint.Address);
        return result;
    }

    /// <summary>An IPv6 endpoint (with its scope id) as SOCKADDR_IN6.</summary>
    public static SockAddrIn6 ToSockAddrIn6(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (endPoint.AddressFamily != AddressFamily.InterNetworkV6)
            throw new ArgumentException($"SOCKADDR_IN6 holds IPv6 endpoints, not {endPoint.AddressFamily} ({endPoint})", nameof(endPoint));
        long scope = endPoint.Address.ScopeId;
        if (scope < 0 || scope > uint.MaxValue)
            throw new ArgumentException($"scope id {scope} does not fit sin6_scope_id", nameof(endPoint));
        return new SockAddrIn6
        {
            Family = WinAddressFamily.Inet6,
            Port = (ushort)endPoint.Port,
            Addr = ToIn6Addr(endPoint.Address),
            ScopeId = (uint)scope,
        };
    }

    /// <summary>An endpoint as the Local/Remote union (AF_INET or AF_INET6 member by its family).</summary>
    public static SockAddrInet ToSockAddrInet(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var result = default(SockAddrInet);
        switch (endPoint.AddressFamily)
        {
            case AddressFamily.InterNetwork:
                result.Addr4 = ToSockAddrIn(endPoint);
                break;
            case AddressFamily.InterNetworkV6:
                result.Addr6 = ToSockAddrIn6(endPoint);
                break;
            default:
                throw new ArgumentException($"only IPv4 and IPv6 endpoints cross the ABI, not {endPoint.AddressFamily}", nameof(endPoint));
        }
        return result;
    }

    /// <summary>An endpoint as SOCKADDR_STORAGE (NOTIFY_EVENT's FloatAddress).</summary>
    public static SockAddrStorage ToSockAddrStorage(IPEndPoint endPoint)
    {
        var result = default(SockAddrStorage);
        result.Inet = ToSockAddrInet(endPoint);
        return result;
    }

    /// <summary>The endpoint in a Local/Remote union; throws <see cref="FormatException"/> for a family other than 2 or 23.</summary>
    public static IPEndPoint ToEndPoint(in SockAddrInet address)
    {
        if (!TryToEndPoint(address, out var endPoint))
            throw new FormatException($"socket address family {(ushort)address.Family} is neither AF_INET (2) nor AF_INET6 (23)");
        return endPoint;
    }

    /// <summary>The endpoint in a Local/Remote union, or false for an unknown family.</summary>
    public static bool TryToEndPoint(in SockAddrInet address, out IPEndPoint endPoint)
    {
        switch (address.Family)
        {
            case WinAddressFamily.Inet:
                endPoint = new IPEndPoint(ToIPAddress(address.Addr4.Addr), address.Addr4.Port);
                return true;
            case WinAddressFamily.Inet6:
                endPoint = new IPEndPoint(ToIPAddress(address.Addr6.Addr, address.Addr6.ScopeId), address.Addr6.Port);
                return true;
            default:
                endPoint = null!;
                return false;
        }
    }

    /// <summary>The endpoint in a SOCKADDR_STORAGE; throws <see cref="FormatException"/> for a family other than 2 or 23.</summary>
    public static IPEndPoint ToEndPoint(in SockAddrStorage address) => ToEndPoint(address.Inet);

    /// <summary>
    /// Writes <paramref name="endPoint"/> as SOCKADDR_IN (16 bytes) or SOCKADDR_IN6 (28) at the start of
    /// <paramref name="destination"/> (the MP control-packet prefix); returns the length written.
    /// </summary>
    public static int Write(IPEndPoint endPoint, Span<byte> destination)
    {
        var address = ToSockAddrInet(endPoint);
        int length = address.Length;
        if (destination.Length < length)
            throw new ArgumentException($"a {endPoint.AddressFamily} socket address needs {length} bytes, the buffer has {destination.Length}", nameof(destination));
        MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref address, 1))[..length].CopyTo(destination);
        return length;
    }

    /// <summary>
    /// Reads the SOCKADDR_IN or SOCKADDR_IN6 at the start of <paramref name="source"/> (chosen by its family); returns
    /// false for an unknown family or a buffer shorter than that family's address.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IPEndPoint endPoint, out int length)
    {
        length = SockAddr.PrefixLength(source);
        if (length == 0)
        {
            endPoint = null!;
            return false;
        }
        var address = default(SockAddrInet);
        source[..length].CopyTo(MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref address, 1)));
        return TryToEndPoint(address, out endPoint);
    }

    /// <summary>
    /// Reads the SOCKADDR_IN or SOCKADDR_IN6 at the start of <paramref name="source"/>; throws
    /// <see cref="FormatException"/> for an unknown family or a short buffer.
    /// </summary>
    public static IPEndPoint Read(ReadOnlySpan<byte> source, out int length)
    {
        if (TryRead(source, out var endPoint, out length))
            return endPoint;
        if (source.Length < 2)
            throw new FormatException($"a socket address needs at least 2 bytes, got {source.Length}");
        ushort family = (ushort)(source[0] | (source[1] << 8));
        int needed = SockAddr.LengthOf((WinAddressFamily)family);
        throw needed == 0
            ? new FormatException($"socket address family {family} is neither AF_INET (2) nor AF_INET6 (23)")
            : new FormatException($"family {family} needs a {needed}-byte socket address, got {source.Length} bytes");
    }

    /// <summary>An IPv4 address as IN_ADDR.</summary>
    public static InAddr ToInAddr(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"IN_ADDR holds IPv4 addresses, not {address}", nameof(address));
        var result = default(InAddr);
        address.TryWriteBytes(MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref result, 1)), out _);
        return result;
    }

    /// <summary>An IPv6 address as IN6_ADDR (the scope id is not part of it).</summary>
    public static In6Addr ToIn6Addr(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            throw new ArgumentException($"IN6_ADDR holds IPv6 addresses, not {address}", nameof(address));
        var result = default(In6Addr);
        address.TryWriteBytes(MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref result, 1)), out _);
        return result;
    }

    /// <summary>An address as the IN_ADDR/IN6_ADDR union of OVPN_MP_IROUTE.</summary>
    public static InetAddr ToInetAddr(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var result = default(InetAddr);
        if (address.AddressFamily == AddressFamily.InterNetwork)
            result.Addr4 = ToInAddr(address);
        else if (address.AddressFamily == AddressFamily.InterNetworkV6)
            result.Addr6 = ToIn6Addr(address);
        else
            throw new ArgumentException($"only IPv4 and IPv6 addresses cross the ABI, not {address.AddressFamily}", nameof(address));
        return result;
    }

    public static IPAddress ToIPAddress(in InAddr address)
        => new(MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(in address, 1)));

    public static IPAddress ToIPAddress(in In6Addr address, uint scopeId = 0)
        => new(MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(in address, 1)), scopeId);
}
