using System;
using System.Diagnostics;

namespace OvpnDco.Client;

/// <summary>Adapter address and routes from the push. Linux: <c>ip</c> on the hosted device's TUN; Windows: printed for netsh.</summary>
public static class Adapter
{
    public static void Configure(string? interfaceName, PushReply push, Action<string> log)
    {
        if (push.Address is null)
            return;
        if (interfaceName is null)
        {
            log($"set the adapter address {push.Address}/{push.PrefixLength} with netsh (Windows adapter configuration is not automated yet)");
            return;
        }
        Ip($"addr flush dev {interfaceName}");
        if (push.Topology == "subnet")
            Ip($"addr add {push.Address}/{push.PrefixLength} dev {interfaceName}");
        else
            Ip($"addr add {push.Address} peer {push.NetmaskOrPeer} dev {interfaceName}");
        Ip($"link set {interfaceName} up");
        var gateway = push.RouteGateway ?? (push.Topology == "subnet" ? null : push.NetmaskOrPeer);
        foreach (var (net, prefix, gw) in push.Routes)
        {
            var via = gw ?? gateway;
            Ip(via is null ? $"route replace {net}/{prefix} dev {interfaceName}" : $"route replace {net}/{prefix} via {via} dev {interfaceName}");
        }
        if (push.Address6 is not null)
        {
            Ip($"-6 addr add {push.Address6}/{push.Prefix6} dev {interfaceName} nodad");
            foreach (var (net, prefix) in push.Routes6)
                Ip($"-6 route replace {net}/{prefix} dev {interfaceName}");
        }
        if (push.RedirectGateway)
            log("the server pushed redirect-gateway: not applied (only pushed routes are installed)");
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
            throw new ClientException($"cannot run 'ip {arguments}': {e.Message}", 2);
        }
        using (process)
        {
            string error = process!.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new ClientException($"'ip {arguments}' failed: {error.Trim()}", 2);
        }
    }
}
