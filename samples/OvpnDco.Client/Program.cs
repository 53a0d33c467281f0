using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using OvpnDco.Client;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Client.App;

/// <summary>
/// <c>ovpn-dco-client [--config] client.ovpn [--dev ifname]</c>. Exit codes: 0 stopped (Ctrl+C / SIGTERM), 1 configuration
/// or usage error, 2 device error, 4 the server could not be verified or refused us. Errors are one line.
/// </summary>
internal static class Program
{
    private const string Name = "ovpn-dco-client";

    private static int Main(string[] args)
    {
        string? configPath = null;
        string? dev = Environment.GetEnvironmentVariable("OVPN_DCO_DEV");
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" when i + 1 < args.Length: configPath = args[++i]; break;
                case "--dev" when i + 1 < args.Length: dev = args[++i]; break;
                case "-h":
                case "--help":
                    Console.WriteLine($"usage: {Name} [--config] <client.ovpn> [--dev <ifname>]");
                    return 0;
                default:
                    if (args[i].StartsWith('-') || configPath is not null)
                        return Usage($"unexpected argument '{args[i]}'");
                    configPath = args[i];
                    break;
            }
        }
        if (configPath is null)
            return Usage("no config file");

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        try
        {
            var config = ConfigParser.Load(configPath);
            foreach (var w in config.Warnings)
                Log($"warning: {w}");
            // Certificates, keys and tls-crypt/tls-auth files are checked before the device is opened.
            var tls = TlsSettings.From(config);
            _ = ControlWrap.From(config);
            string? ifname = null;
            DcoDevice device;
            if (OperatingSystem.IsWindows())
            {
                device = DcoDevice.Open();
            }
            else if (OperatingSystem.IsLinux())
            {
                string name = dev ?? (config.Dev is "tun" or "tun0" ? HostedDcoTransport.DefaultInterfaceName : config.Dev);
                var transport = HostedDcoTransport.Open(name);
                ifname = transport.InterfaceName;
                device = new DcoDevice(transport);
            }
            else
            {
                throw new ClientException("no ovpn-dco device on this operating system", 2);
            }
            using (device)
            {
                var client = new OvpnClient(config, device, ifname, Log, tls);
                int rc = client.Run(stop.Token);
                Log("exiting");
                return rc;
            }
        }
        catch (ClientException e)
        {
            Console.Error.WriteLine($"{Name}: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (DeviceErrors.Describe(e) is { } why)
        {
            Console.Error.WriteLine($"{Name}: {why}");
            return DeviceErrors.ExitCode;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or NotSupportedException or IndexOutOfRangeException or NullReferenceException)
        {
            Console.Error.WriteLine($"{Name}: internal error: {e.GetType().Name}: {e.Message}");
            return 70;
        }
    }

    private static int Usage(string why)
    {
        Console.Error.WriteLine($"{Name}: {why} (usage: {Name} [--config] <client.ovpn> [--dev <ifname>])");
        return 1;
    }

    private static void Log(string line) => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {Name}: {line}");
}
