using System;
using System.IO;
using System.Linq;
using OvpnDco.Compiler;
using OvpnDco.TestSupport;

namespace OvpnDco.Native.Tests;

/// <summary>
/// The kernel output of the driver with its IRQL contracts and trace events, against the real WDK headers
/// (../shared/tools/wdk-cc): the SAL macros are the WDK's (sal.h, driverspecs.h), the trace events are TraceLogging
/// with the provider "OpenVPN.OvpnDCO", and the whole output compiles with -Wall -Werror for every architecture.
/// </summary>
public class KernelWdkTests
{
    private static string WdkCc => Path.Combine(NativeToolchain.RepoRoot, "..", "shared", "tools", "wdk-cc");

    private static string Transpile(string name)
    {
        var dir = Path.Combine(NativeDriver.Directory, name);
        IlToC.WriteOutput(IlToC.Compile(Path.Combine(AppContext.BaseDirectory, "OvpnDco.Driver.Kernel.dll"),
            new CompilerOptions { Target = Target.Kernel, ModuleName = "ovpndco" }), dir);
        return dir;
    }

    [Test]
    public void EntryPointsCarryTheirIrqlAndTheEventsTheirC()
    {
        var dir = Transpile("kernel-contracts");
        var h = File.ReadAllText(Path.Combine(dir, "ovpndco.h"));
        Assert.Multiple(() =>
        {
            Assert.That(h, Does.Contain("_IRQL_requires_(PASSIVE_LEVEL) int32_t ovpn_dco_ioctl("));
            Assert.That(h, Does.Contain("_IRQL_requires_max_(DISPATCH_LEVEL) void ovpn_dco_on_timer("));
            Assert.That(h, Does.Contain("_IRQL_requires_max_(DISPATCH_LEVEL) void ovpn_dco_transport_receive(OvpnDco_Driver_DriverState *state, _In_reads_bytes_(length) uint8_t *packet, int32_t length,"));
            Assert.That(h, Does.Contain("#include \"ovpn_trace.h\""));
            Assert.That(string.Concat(Directory.GetFiles(dir, "*.c").Select(File.ReadAllText)), Does.Contain("_Requires_lock_held_(s->Lock) _IRQL_requires_max_(DISPATCH_LEVEL) void ovpn_driver_delete_peer("));
            Assert.That(File.Exists(Path.Combine(dir, "ovpn_trace.c")), "the trace events' C is in the output");
        });
    }

    [TestCase("x64"), TestCase("x86"), TestCase("arm64")]
    public void TheOutputCompilesAgainstTheWdk(string arch)
    {
        if (!File.Exists(WdkCc))
            Assert.Ignore("../shared/tools/wdk-cc (the WDK headers) is not beside this clone");
        var dir = Transpile("kernel-wdk-" + arch);
        var km = Path.Combine(NativeToolchain.RepoRoot, "runtime-kernel", "km");
        var build = NativeToolchain.Run($"{NativeToolchain.Quote(WdkCc)} {arch} -c -Wall -Werror -I {NativeToolchain.Quote(NativeToolchain.Include)} " +
            $"-I {NativeToolchain.Quote(km)} -I . *.c", dir); // one .c per C# source file, and the trace events' ovpn_trace.c
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Stderr);
        var trace = NativeToolchain.Run("llvm-nm-14 ovpn_trace.o", dir);
        Assert.That(trace.Stdout, Does.Contain("EtwWriteTransfer").And.Contain("EtwRegister").And.Not.Contain("ovpn_hosted"),
            "TraceLogging, not the hosted sink");
        foreach (var e in new[] { "peer_keepalive_expired", "peer_float_refused", "tx_packet_id_exhausted", "tcp_bad_frame_length",
                     "epoch_receive_key_moved", "epoch_send_key_moved", "register", "unregister" })
            Assert.That(trace.Stdout, Does.Match($@"T _?ovpn_trace_{e}\b"), e);
        var driver = NativeToolchain.Run("llvm-nm-14 keepalive.o", dir);
        Assert.That(driver.Stdout, Does.Match(@"U _?ovpn_trace_peer_keepalive_expired\b"), "the driver calls the event");
    }
}
