using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using OvpnDco.Driver;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Cli;

/// <summary>A user error: printed as one line, exit code 1.</summary>
internal sealed class CliException(string message) : Exception(message);

/// <summary>The parsed upstream command line.</summary>
internal sealed record TunnelOptions(OvpnProto Proto, IPEndPoint Local, IPEndPoint Remote, IPAddress VpnIp, int PrefixLength,
    IPAddress VpnGateway, string? KeyFile, int KeyDirection, string Device, int KeepaliveInterval, int KeepaliveTimeout);

/// <summary>
/// ovpn-dco-cli with upstream's command line:
/// <c>ovpn-dco-cli &lt;udp|tcp&gt; &lt;i4|i6&gt; &lt;local-ip&gt; &lt;local-port&gt; &lt;remote-ip&gt; &lt;remote-port&gt; &lt;vpn-ip&gt; &lt;vpn-netmask&gt; &lt;vpn-gw&gt; [data64.key] [0|1]</c>
/// and <c>ovpn-dco-cli genkey &lt;file&gt;</c>. Exit codes: 0 clean stop, 1 user error, 2 device error, 3 peer lost.
/// </summary>
internal static class Program
{
    private const string Name = "ovpn-dco-cli";
    private const string DefaultDevice = "ovpn-dco0";

    private static int Main(string[] args)
    {
        var proto = new Argument<string>("proto") { Description = "transport: udp or tcp" };
        var family = new Argument<string>("family") { Description = "address family of the transport: i4 or i6" };
        var localIp = new Argument<string>("local-ip") { Description = "local transport address" };
        var localPort = new Argument<string>("local-port") { Description = "local transport port" };
        var remoteIp = new Argument<string>("remote-ip") { Description = "remote transport address" };
        var remotePort = new Argument<string>("remote-port") { Description = "remote transport port" };
        var vpnIp = new Argument<string>("vpn-ip") { Description = "IPv4 address of the VPN adapter" };
        var vpnNetmask = new Argument<string>("vpn-netmask") { Description = "its netmask (dotted or a prefix length)" };
        var vpnGw = new Argument<string>("vpn-gw") { Description = "the VPN gateway (the peer's VPN address)" };
        var keyFile = new Argument<string?>("data64.key")
        {
            Description = "key file: base64 of 256 bytes (ovpn-dco-cli genkey); none = cipher NONE", Arity = ArgumentArity.ZeroOrOne,
        };
        var direction = new Argument<string?>("key-direction") { Description = "0 or 1 (default 0)", Arity = ArgumentArity.ZeroOrOne };
        var device = new Option<string>("--dev")
        {
            Description = $"Linux: the TUN interface of the hosted device (default {DefaultDevice})",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OVPN_DCO_DEV") is { Length: > 0 } d ? d : DefaultDevice,
        };
        var kaInterval = new Option<int>("--keepalive-interval") { Description = "SET_PEER keepalive interval, seconds", DefaultValueFactory = _ => 5 };
        var kaTimeout = new Option<int>("--keepalive-timeout") { Description = "SET_PEER keepalive timeout, seconds", DefaultValueFactory = _ => 60 };

        var root = new RootCommand("OpenVPN data channel offload test bed: a static-key tunnel through the ovpn-dco device.")
        {
            proto, family, localIp, localPort, remoteIp, remotePort, vpnIp, vpnNetmask, vpnGw, keyFile, direction, device, kaInterval, kaTimeout,
        };
        root.SetAction(parse => Guard(() =>
        {
            var options = Parse(parse.GetValue(proto)!, parse.GetValue(family)!, parse.GetValue(localIp)!, parse.GetValue(localPort)!,
                parse.GetValue(remoteIp)!, parse.GetValue(remotePort)!, parse.GetValue(vpnIp)!, parse.GetValue(vpnNetmask)!,
                parse.GetValue(vpnGw)!, parse.GetValue(keyFile), parse.GetValue(direction), parse.GetValue(device)!,
                parse.GetValue(kaInterval), parse.GetValue(kaTimeout));
            return Tunnel.Run(options);
        }));

        var genkeyFile = new Argument<string>("file") { Description = "where to write the new key (base64 of 256 random bytes)" };
        var genkey = new Command("genkey", "write a new data64.key") { genkeyFile };
        genkey.SetAction(parse => Guard(() => GenKey(parse.GetValue(genkeyFile)!)));
        root.Subcommands.Add(genkey);

        try
        {
            var result = root.Parse(args);
            if (result.Errors.Count > 0 && result.Action is null)
            {
                Console.Error.WriteLine($"{Name}: {result.Errors[0].Message} (see {Name} --help)");
                return 1;
            }
            if (result.Errors.Count > 0)
            {
                Console.Error.WriteLine($"{Name}: {result.Errors[0].Message} (see {Name} --help)");
                return 1;
            }
            return result.Invoke();
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"{Name}: {e.Message}");
            return 1;
        }
    }

    private static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"{Name}: {e.Message}");
            return 1;
        }
        catch (Exception e) when (DeviceErrors.Describe(e) is { } why)
        {
            Console.Error.WriteLine($"{Name}: {why}");
            return DeviceErrors.ExitCode;
        }
    }

    internal static TunnelOptions Parse(string proto, string family, string localIp, string localPort, string remoteIp, string remotePort,
        string vpnIp, string vpnNetmask, string vpnGw, string? keyFile, string? direction, string device, int kaInterval, int kaTimeout)
    {
        var p = proto switch
        {
            "udp" => OvpnProto.Udp,
            "tcp" => OvpnProto.Tcp,
            _ => throw new CliException($"protocol must be udp or tcp, not '{proto}'"),
        };
        var af = family switch
        {
            "i4" => AddressFamily.InterNetwork,
            "i6" => AddressFamily.InterNetworkV6,
            _ => throw new CliException($"address family must be i4 or i6, not '{family}'"),
        };
        var local = new IPEndPoint(Address(localIp, af, "local-ip"), Port(localPort, "local-port"));
        var remote = new IPEndPoint(Address(remoteIp, af, "remote-ip"), Port(remotePort, "remote-port"));
        if (remote.Port == 0)
            throw new CliException("remote-port must be 1..65535");
        var ip = Address(vpnIp, AddressFamily.InterNetwork, "vpn-ip");
        int prefix = Netmask(vpnNetmask);
        var gw = Address(vpnGw, AddressFamily.InterNetwork, "vpn-gw");
        int dir = 0;
        if (direction is not null && !(direction == "0" || direction == "1"))
            throw new CliException($"key direction must be 0 or 1, not '{direction}'");
        if (direction is not null)
            dir = direction == "1" ? 1 : 0;
        if (kaInterval < 0 || kaTimeout < 0)
            throw new CliException("keepalive values must be >= 0");
        return new TunnelOptions(p, local, remote, ip, prefix, gw, keyFile, dir, device, kaInterval, kaTimeout);
    }

    private static IPAddress Address(string text, AddressFamily family, string what)
    {
        if (!IPAddress.TryParse(text, out var address))
            throw new CliException($"{what} '{text}' is not an IP address");
        if (address.AddressFamily != family)
            throw new CliException($"{what} '{text}' is not an {(family == AddressFamily.InterNetwork ? "IPv4 (i4)" : "IPv6 (i6)")} address");
        return address;
    }

    private static int Port(string text, string what)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            throw new CliException($"{what} '{text}' is not a port (0..65535)");
        return port;
    }

    private static int Netmask(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int bits) && bits <= 32)
            return bits;
        if (IPAddress.TryParse(text, out var mask) && mask.AddressFamily == AddressFamily.InterNetwork)
        {
            uint m = (uint)IPAddress.NetworkToHostOrder(BitConverter.ToInt32(mask.GetAddressBytes()));
            int n = System.Numerics.BitOperations.LeadingZeroCount(~m);
            if (n == 32 || (m << n) == 0)
                return n;
        }
        throw new CliException($"vpn-netmask '{text}' is not a netmask");
    }

    /// <summary>Reads a data64.key file into the NEW_KEY request for <paramref name="direction"/>.</summary>
    internal static OvpnCryptoData ReadKey(string path, int direction)
    {
        byte[] text;
        try
        {
            text = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read key file '{path}': {e.Message}");
        }
        var error = StaticKey.Parse(text, direction, out var data);
        CryptographicOperations.ZeroMemory(text);
        return error switch
        {
            StaticKeyError.Ok => data,
            StaticKeyError.BadCharacter or StaticKeyError.BadLength => throw new CliException($"key file '{path}' is not base64"),
            StaticKeyError.WrongKeySize => throw new CliException($"key file '{path}' does not hold {StaticKey.KeyFileSize} bytes"),
            _ => throw new CliException($"key file '{path}': {error}"),
        };
    }

    private static int GenKey(string path)
    {
        var key = RandomNumberGenerator.GetBytes(StaticKey.KeyFileSize);
        string text = Convert.ToBase64String(key, Base64FormattingOptions.InsertLineBreaks) + Environment.NewLine;
        CryptographicOperations.ZeroMemory(key);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write key file '{path}': {e.Message}");
        }
        Console.WriteLine($"{Name}: wrote a new key to {path}");
        return 0;
    }
}

/// <summary>Upstream's sequence: NEW_PEER → pending read → NEW_KEY → SET_PEER → START_VPN → adapter address → stats.</summary>
internal static class Tunnel
{
    public static int Run(TunnelOptions o)
    {
        // Everything the user typed is checked before the device is touched.
        OvpnCryptoData key = default;
        if (o.KeyFile is not null)
            key = Program.ReadKey(o.KeyFile, o.KeyDirection);
        else
            key.CipherAlg = OvpnCipherAlg.None;

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

        using var device = OpenDevice(o.Device, out string? interfaceName);

        // NEW_PEER; TCP pends until the connection is up.
        if (o.Proto == OvpnProto.Tcp)
            Console.WriteLine($"ovpn-dco-cli: connecting to {o.Remote} over TCP");
        try
        {
            device.NewPeerAsync(o.Local, o.Remote, o.Proto, stop.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("ovpn-dco-cli: stopped before the peer was connected");
            return 0;
        }
        catch (DcoException e) when ((uint)e.Status == 0xC000020A)
        {
            throw new CliException($"local address {o.Local} is in use");
        }
        Console.WriteLine($"ovpn-dco-cli: peer {o.Remote} ({(o.Proto == OvpnProto.Tcp ? "tcp" : "udp")}) added on {interfaceName ?? DcoDevice.DevicePath}");

        int exitCode = 0;
        var reader = Task.Run(() => ReadLoop(device, stop, ref exitCode));
        try
        {
            device.NewKey(key);
            device.SetPeer(o.KeepaliveInterval, o.KeepaliveTimeout, 0);
            device.StartVpn();
            if (interfaceName is not null)
                ConfigureLinux(interfaceName, o);
            else
                Console.WriteLine($"ovpn-dco-cli: set the adapter address {o.VpnIp}/{o.PrefixLength} (gateway {o.VpnGateway}) with netsh");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref key, 1)));
        }
        Console.WriteLine($"ovpn-dco-cli: tunnel up: {o.VpnIp}/{o.PrefixLength} via {o.VpnGateway}, cipher {(o.KeyFile is null ? "none" : "AES-256-GCM")}");

        while (!stop.Token.WaitHandle.WaitOne(1000))
        {
            var s = device.GetStats();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stats: tun rx {s.TunBytesReceived} tx {s.TunBytesSent} transport rx {s.TransportBytesReceived} tx {s.TransportBytesSent} data rx {s.ReceivedDataPackets} tx {s.SentDataPackets} lost in {s.LostInDataPackets} out {s.LostOutDataPackets} control rx {s.ReceivedControlPackets}"));
        }
        device.DelPeer();
        reader.Wait(TimeSpan.FromSeconds(2));
        Console.WriteLine("ovpn-dco-cli: peer deleted, exiting");
        return Volatile.Read(ref exitCode);
    }

    private static void ReadLoop(DcoDevice device, CancellationTokenSource stop, ref int exitCode)
    {
        var buffer = new byte[UapiLimits.ControlReadBufferSize];
        while (!stop.IsCancellationRequested)
        {
            try
            {
                int n = device.ReadControlPacketAsync(buffer, stop.Token).AsTask().GetAwaiter().GetResult();
                Console.WriteLine($"ovpn-dco-cli: control packet, {n} bytes, opcode {buffer[0] >> 3}");
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (DcoException e) when (e.Status == NtStatus.Cancelled)
            {
                return;
            }
            catch (DcoException e) when (e.Status == NtStatus.ConnectionDisconnected)
            {
                Console.WriteLine("ovpn-dco-cli: keepalive timeout: the peer is gone (STATUS_CONNECTION_DISCONNECTED)");
                Volatile.Write(ref exitCode, 3);
                stop.Cancel();
                return;
            }
            catch (DcoException e) when (e.Status == NtStatus.ConnectionAborted)
            {
                Console.WriteLine("ovpn-dco-cli: the TCP connection was closed by the peer (STATUS_CONNECTION_ABORTED)");
                Volatile.Write(ref exitCode, 3);
                stop.Cancel();
                return;
            }
            catch (DcoException e)
            {
                Console.WriteLine($"ovpn-dco-cli: read: {DeviceErrors.Describe(e)}");
                Thread.Sleep(100);
            }
        }
    }

    private static DcoDevice OpenDevice(string name, out string? interfaceName)
    {
        if (OperatingSystem.IsWindows())
        {
            interfaceName = null;
            try
            {
                return DcoDevice.Open();
            }
            catch (DcoException e)
            {
                throw new DcoException($"open {DcoDevice.DevicePath} (is the ovpn-dco driver installed?)", e.Status, e.Error);
            }
        }
        if (OperatingSystem.IsLinux())
        {
            var transport = HostedDcoTransport.Open(name);
            interfaceName = transport.InterfaceName;
            return new DcoDevice(transport);
        }
        throw new CliException("no ovpn-dco device on this operating system");
    }

    private static void ConfigureLinux(string interfaceName, TunnelOptions o)
    {
        Ip($"addr add {o.VpnIp}/{o.PrefixLength} dev {interfaceName}");
    }

    private static void Ip(string arguments)
    {
        var start = new ProcessStartInfo("ip", arguments) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CliException($"cannot run 'ip {arguments}': {e.Message}");
        }
        using (process)
        {
            string error = process!.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new CliException($"'ip {arguments}' failed: {error.Trim()}");
        }
    }
}
