using System;
using System.Net;
using System.Net.Sockets;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Uapi.Tests;

/// <summary>IPEndPoint ↔ sockaddr round trips, including the bad inputs.</summary>
public class AddressTests
{
    [TestCase("192.0.2.1:1194")]
    [TestCase("0.0.0.0:0")]
    [TestCase("255.255.255.255:65535")]
    [TestCase("[2001:db8::1]:1194")]
    [TestCase("[::]:0")]
    [TestCase("[fe80::1%4]:443")]
    [TestCase("[fe80::1%4294967295]:65535")]
    [TestCase("[::ffff:192.0.2.1]:1194")]
    public void EndPointsRoundTrip(string text)
    {
        var endPoint = IPEndPoint.Parse(text);
        var inet = SockAddrConverter.ToSockAddrInet(endPoint);
        Assert.That(SockAddrConverter.ToEndPoint(inet), Is.EqualTo(endPoint));
        if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            Assert.That(SockAddrConverter.ToEndPoint(inet).Address.ScopeId, Is.EqualTo(endPoint.Address.ScopeId));
        Assert.That(SockAddrConverter.ToEndPoint(SockAddrConverter.ToSockAddrStorage(endPoint)), Is.EqualTo(endPoint));

        var buffer = new byte[40];
        int written = SockAddrConverter.Write(endPoint, buffer);
        Assert.That(written, Is.EqualTo(endPoint.AddressFamily == AddressFamily.InterNetwork ? 16 : 28));
        Assert.That(SockAddrConverter.Read(buffer, out int read), Is.EqualTo(endPoint));
        Assert.That(read, Is.EqualTo(written));
        Assert.That(SockAddrConverter.TryRead(buffer.AsSpan(0, written), out var again, out _), Is.True);
        Assert.That(again, Is.EqualTo(endPoint));
    }

    [Test]
    public void WindowsFamilyValuesAreWritten()
    {
        var buffer = new byte[28];
        SockAddrConverter.Write(IPEndPoint.Parse("[2001:db8::1]:1"), buffer);
        Assert.That(BitConverter.ToUInt16(buffer, 0), Is.EqualTo(23), "AF_INET6 is 23 on Windows, not Linux's 10");
        SockAddrConverter.Write(IPEndPoint.Parse("192.0.2.1:1"), buffer);
        Assert.That(BitConverter.ToUInt16(buffer, 0), Is.EqualTo(2));
        Assert.That(buffer.AsSpan(8, 8).ToArray(), Is.All.EqualTo(0), "sin_zero");
    }

    [Test]
    public void WrongFamilyIsRejected()
    {
        Assert.Throws<ArgumentException>(() => SockAddrConverter.ToSockAddrIn(IPEndPoint.Parse("[::1]:1")));
        Assert.Throws<ArgumentException>(() => SockAddrConverter.ToSockAddrIn6(IPEndPoint.Parse("127.0.0.1:1")));
        Assert.Throws<ArgumentException>(() => SockAddrConverter.ToInAddr(IPAddress.IPv6Loopback));
        Assert.Throws<ArgumentException>(() => SockAddrConverter.ToIn6Addr(IPAddress.Loopback));
        Assert.Throws<ArgumentNullException>(() => SockAddrConverter.ToSockAddrInet(null!));

        var linux = default(SockAddrInet);
        linux.Addr6.Family = (WinAddressFamily)10;
        var error = Assert.Throws<FormatException>(() => SockAddrConverter.ToEndPoint(linux))!;
        Assert.That(error.Message, Does.Contain("family 10"));
        Assert.That(SockAddrConverter.TryToEndPoint(linux, out _), Is.False);
        Assert.Throws<FormatException>(() => SockAddrConverter.ToEndPoint(default(SockAddrStorage)));
    }

    [TestCase(new byte[] { }, "at least 2 bytes")]
    [TestCase(new byte[] { 2 }, "at least 2 bytes")]
    [TestCase(new byte[] { 2, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 }, "needs a 16-byte")]
    [TestCase(new byte[] { 23, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "needs a 28-byte")]
    [TestCase(new byte[] { 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "neither AF_INET")]
    [TestCase(new byte[] { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "neither AF_INET")]
    public void BadPrefixesAreRejected(byte[] buffer, string message)
    {
        var error = Assert.Throws<FormatException>(() => SockAddrConverter.Read(buffer, out _))!;
        Assert.That(error.Message, Does.Contain(message));
        Assert.That(SockAddrConverter.TryRead(buffer, out _, out int length), Is.False);
        Assert.That(length, Is.EqualTo(0));
    }

    [Test]
    public void WritingToAShortBufferIsRejected()
    {
        Assert.Throws<ArgumentException>(() => SockAddrConverter.Write(IPEndPoint.Parse("[::1]:1"), new byte[27]));
        Assert.Throws<ArgumentException>(() => SockAddrConverter.Write(IPEndPoint.Parse("127.0.0.1:1"), new byte[15]));
        Assert.That(SockAddrConverter.Write(IPEndPoint.Parse("127.0.0.1:1"), new byte[16]), Is.EqualTo(16));
    }

    [Test]
    public void ScopeIdsAreKept()
    {
        var endPoint = new IPEndPoint(IPAddress.Parse("fe80::1234"), 1194) { Address = { ScopeId = 17 } };
        var six = SockAddrConverter.ToSockAddrIn6(endPoint);
        Assert.That(six.ScopeId, Is.EqualTo(17u));
        Assert.That(six.FlowInfo, Is.EqualTo(0u));
        Assert.That(six.Port, Is.EqualTo(1194));
        Assert.That(SockAddrConverter.ToIPAddress(six.Addr, six.ScopeId).ScopeId, Is.EqualTo(17));
    }

    [Test]
    public void IroutesAndKeysAreChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DcoDevice.CreateIroute(1, IPAddress.Parse("10.0.0.0"), 33));
        Assert.Throws<ArgumentOutOfRangeException>(() => DcoDevice.CreateIroute(1, IPAddress.Parse("fd00::"), 129));
        Assert.Throws<ArgumentOutOfRangeException>(() => DcoDevice.CreateIroute(1, IPAddress.Parse("fd00::"), -1));
        Assert.That(DcoDevice.CreateIroute(1, IPAddress.Parse("fd00::"), 128).IPv6, Is.EqualTo(1));
        Assert.Throws<ArgumentException>(() => CryptoData.Direction(new byte[20], new byte[8]));
        Assert.Throws<ArgumentException>(() => CryptoData.Direction(new byte[16], new byte[7]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CryptoData.Create(OvpnKeySlot.Primary, OvpnCipherAlg.None, 8, 0, default, default));
        Assert.That(CryptoData.Direction(ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty).KeyLen, Is.EqualTo(0), "cipher NONE");
    }
}
