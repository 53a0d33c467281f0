using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;
using OvpnDco.Uapi.Client;

namespace OvpnDco.E2E.Tests;

/// <summary>
/// The hosted device in this process (HostedDcoTransport), driven from a thread inside a test namespace (the TUN
/// interface and the sockets are created in the namespace of the thread that opens the device / sends NEW_PEER):
/// exclusive handle, close semantics, bad requests, and 100 connect/disconnect cycles without leaks.
/// </summary>
[TestFixture]
[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class DeviceLifecycleTests
{
    private const string Dev = "ovt0";

    [SetUp]
    public void SetUp() => E2ESetup.RequireNetwork();

    /// <summary>Runs <paramref name="body"/> on a new thread that has joined namespace <paramref name="ns"/>.</summary>
    private static void InNamespace(string ns, Action body, int timeoutMs = 120_000)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var fd = File.OpenHandle($"/var/run/netns/{ns}");
                if (setns((int)fd.DangerousGetHandle(), 0x40000000) != 0)
                    throw new InvalidOperationException($"setns {ns}: errno {Marshal.GetLastPInvokeError()}");
                body();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        Assert.That(thread.Join(timeoutMs), Is.True, "the namespace thread hung");
        if (failure is not null)
            throw new AggregateException(failure);
    }

    private static OvpnCryptoData RandomKey(int direction, byte[] material)
    {
        var key = new OvpnCryptoData { KeySlot = OvpnKeySlot.Primary, CipherAlg = OvpnCipherAlg.AesGcm };
        unsafe
        {
            key.Encrypt.KeyLen = 32;
            key.Decrypt.KeyLen = 32;
            for (int i = 0; i < 32; i++)
            {
                key.Encrypt.Key[i] = material[direction == 0 ? i : 32 + i];
                key.Decrypt.Key[i] = material[direction == 0 ? 32 + i : i];
            }
            for (int i = 0; i < 8; i++)
            {
                key.Encrypt.NonceTail[i] = material[64 + i];
                key.Decrypt.NonceTail[i] = material[64 + i];
            }
        }
        return key;
    }

    private static int OpenFds() => Directory.GetFiles("/proc/self/fd").Length;

    [Test]
    public void SecondOpen_IsAccessDenied_AndCloseFreesTheName()
    {
        using var net = new NetnsPair();
        InNamespace(net.A, () =>
        {
            using (var first = HostedDcoTransport.Open(Dev))
            {
                Assert.That(first.InterfaceName, Is.EqualTo(Dev));
                var e = Assert.Throws<DcoException>(() => HostedDcoTransport.Open(Dev))!;
                Assert.That(e.Status, Is.EqualTo(NtStatus.AccessDenied));
                Assert.That(e.Message, Does.Contain("already open"));
            }
            using var again = HostedDcoTransport.Open(Dev);
        });
        Assert.That(net.In(net.A, "ip -o link").Stdout, Does.Not.Contain(Dev));
    }

    [Test]
    public void BadRequests_GetStatuses_AndTheDeviceKeepsWorking()
    {
        using var net = new NetnsPair();
        InNamespace(net.A, () =>
        {
            using var device = new DcoDevice(HostedDcoTransport.Open(Dev));
            var t = device.Transport;
            Assert.That(Assert.Throws<DcoException>(() => t.DeviceIoControl(0x00220FFC, default, default))!.Status, Is.EqualTo(NtStatus.InvalidDeviceRequest));
            Assert.That(Assert.Throws<DcoException>(() => t.DeviceIoControl(OvpnIoctl.NewPeer, new byte[3], default))!.Status, Is.EqualTo(NtStatus.BufferTooSmall));
            Assert.That(Assert.Throws<DcoException>(() => t.DeviceIoControl(OvpnIoctl.GetStats, default, new byte[8]))!.Status, Is.EqualTo(NtStatus.BufferTooSmall));
            var garbage = RandomNumberGenerator.GetBytes(60);
            Assert.Throws<DcoException>(() => t.DeviceIoControl(OvpnIoctl.NewPeer, garbage, default));
            Assert.Throws<DcoException>(() => t.WriteAsync(new byte[] { 0x38, 1, 2 }, CancellationToken.None).AsTask().GetAwaiter().GetResult());
            Assert.That(device.GetVersion().Major, Is.GreaterThanOrEqualTo(2));
            device.NewPeer(new IPEndPoint(IPAddress.Parse("192.168.77.1"), 1194), new IPEndPoint(IPAddress.Parse("192.168.77.2"), 1194), OvpnProto.Udp);
            Assert.That(device.GetStats().SentDataPackets, Is.Zero);
        });
    }

    [Test]
    public void Close_CompletesPendingRequestsCancelled()
    {
        using var net = new NetnsPair();
        InNamespace(net.A, () =>
        {
            var transport = HostedDcoTransport.Open(Dev);
            var device = new DcoDevice(transport);
            device.NewPeer(new IPEndPoint(IPAddress.Parse("192.168.77.1"), 1194), new IPEndPoint(IPAddress.Parse("192.168.77.2"), 1194), OvpnProto.Udp);
            var read = device.ReadControlPacketAsync(new byte[2048]).AsTask();
            using var cts = new CancellationTokenSource();
            var cancelled = device.ReadControlPacketAsync(new byte[2048], cts.Token).AsTask();
            Thread.Sleep(100);
            Assert.That(read.IsCompleted, Is.False, "no control packet: the read pends");
            cts.Cancel();
            Assert.That(() => cancelled.GetAwaiter().GetResult(), Throws.InstanceOf<OperationCanceledException>());
            device.Dispose();
            var e = Assert.Throws<DcoException>(() => read.GetAwaiter().GetResult())!;
            Assert.That(e.Status, Is.EqualTo(NtStatus.Cancelled));
            Assert.Throws<ObjectDisposedException>(() => device.GetStats());
        });
        InNamespace(net.A, () =>
        {
            // A TCP NEW_PEER that pends (nobody listens at B: refused, then waiting for B to connect) ends with the handle.
            var transport = HostedDcoTransport.Open(Dev);
            var device = new DcoDevice(transport);
            // A thread started here shares this thread's namespace (a thread-pool thread would not).
            Exception? result = null;
            var newPeer = new Thread(() =>
            {
                try
                {
                    device.NewPeer(new IPEndPoint(IPAddress.Parse("192.168.77.1"), 1194), new IPEndPoint(IPAddress.Parse("192.168.77.2"), 1194), OvpnProto.Tcp);
                }
                catch (Exception e)
                {
                    result = e;
                }
            });
            newPeer.Start();
            Assert.That(newPeer.Join(500), Is.False, "TCP NEW_PEER pends until connected");
            device.Dispose();
            Assert.That(newPeer.Join(5000), Is.True, "NEW_PEER still blocked after close");
            Assert.That(result, Is.InstanceOf<DcoException>());
            Assert.That(((DcoException)result!).Status, Is.EqualTo(NtStatus.Cancelled));
        });
        Assert.That(HostedDcoTransport.OpenDevices, Is.Zero);
    }

    [Test]
    public void Multipeer_ListenSocket_PortInUse_AndNotifyEventCancellation()
    {
        using var net = new NetnsPair();
        InNamespace(net.A, () =>
        {
            using var server = new DcoDevice(HostedDcoTransport.Open(Dev));
            server.SetMode(OvpnMode.MP);
            server.MpStartVpn(new IPEndPoint(IPAddress.Parse("192.168.77.1"), 1194));
            using (var other = new DcoDevice(HostedDcoTransport.Open("ovt1")))
            {
                other.SetMode(OvpnMode.MP);
                var e = Assert.Throws<DcoException>(() => other.MpStartVpn(new IPEndPoint(IPAddress.Parse("192.168.77.1"), 1194)))!;
                Assert.That((uint)e.Status, Is.EqualTo(0xC000020Au), "STATUS_ADDRESS_ALREADY_EXISTS");
            }
            using var cts = new CancellationTokenSource();
            var cancelled = server.NotifyEventAsync(cts.Token);
            var pending = server.NotifyEventAsync();
            Thread.Sleep(100);
            Assert.That(cancelled.IsCompleted || pending.IsCompleted, Is.False, "NOTIFY_EVENT pends until an event");
            cts.Cancel();
            Assert.That(() => cancelled.GetAwaiter().GetResult(), Throws.InstanceOf<OperationCanceledException>());
            server.Dispose();
            var closed = Assert.Throws<DcoException>(() => pending.GetAwaiter().GetResult())!;
            Assert.That(closed.Status, Is.EqualTo(NtStatus.Cancelled));
        });
    }

    [Test]
    public void HundredCycles_LeakNoFdAllocationKeyOrInterface()
    {
        using var net = new NetnsPair();
        using var stop = new CancellationTokenSource();
        Socket? listener = null;
        Task? acceptLoop = null;
        InNamespace(net.B, () =>
        {
            listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Parse("192.168.77.2"), 1194));
            listener.Listen(16);
        });
        acceptLoop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Socket s;
                try
                {
                    s = await listener!.AcceptAsync(stop.Token);
                }
                catch (Exception)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    using (s)
                    {
                        var b = new byte[4096];
                        try
                        {
                            while (await s.ReceiveAsync(b) > 0)
                            {
                            }
                        }
                        catch (SocketException)
                        {
                        }
                    }
                });
            }
        });

        var material = RandomNumberGenerator.GetBytes(256);
        var local = new IPEndPoint(IPAddress.Parse("192.168.77.1"), 0);
        var remote = new IPEndPoint(IPAddress.Parse("192.168.77.2"), 1194);
        void Cycle(int i)
        {
            bool tcp = i % 4 == 0;
            using var device = new DcoDevice(HostedDcoTransport.Open(Dev));
            device.NewPeer(local, remote, tcp ? OvpnProto.Tcp : OvpnProto.Udp);
            device.NewKey(RandomKey(0, material));
            device.SetPeer(1, 10, 0);
            device.StartVpn();
            var read = device.ReadControlPacketAsync(new byte[2048]).AsTask();
            if (i % 2 == 1)
            {
                device.DelPeer();
                var e = Assert.Throws<DcoException>(() => read.GetAwaiter().GetResult())!;
                Assert.That(e.Status, Is.EqualTo(NtStatus.Cancelled));
            }
            // even cycles: the handle is closed with the peer, its key and a pending read still there
        }

        long allocations = 0, fds = 0;
        InNamespace(net.A, () =>
        {
            Cycle(1);
            Cycle(0);
            Thread.Sleep(200);
            allocations = HostedDcoTransport.LiveAllocations;
            fds = OpenFds();
            for (int i = 0; i < 100; i++)
                Cycle(i);
        }, 120_000);
        Thread.Sleep(300);
        stop.Cancel();
        listener!.Dispose();
        acceptLoop.Wait(5000);

        Assert.Multiple(() =>
        {
            Assert.That(HostedDcoTransport.OpenDevices, Is.Zero, "open devices");
            Assert.That(HostedDcoTransport.LiveKeys, Is.Zero, "live AEAD keys");
            Assert.That(HostedDcoTransport.LiveAllocations, Is.EqualTo(allocations), "driver allocations");
            Assert.That(OpenFds(), Is.LessThanOrEqualTo(fds), "file descriptors");
            Assert.That(net.In(net.A, "ip -o link").Stdout, Does.Not.Contain(Dev), "interface");
        });
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);
}
