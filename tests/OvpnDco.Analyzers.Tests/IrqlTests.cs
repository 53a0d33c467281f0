using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>
/// OVD0016: PASSIVE_LEVEL-only and pageable methods called from code that may run at DISPATCH_LEVEL. The cases
/// follow upstream ovpn-dco-win's bug checks: #115 (a page fault in the WSK UDP receive event), #130 (paged code
/// reached from the tx path in server mode), #40 (0xD1 at IRQL 2 under traffic).
/// </summary>
public class IrqlTests
{
    private const string Platform = """
        using OvpnDco.Runtime;

        [KernelCode]
        public static class Kernel
        {
            [IrqlRaises(KIrql.Dispatch)] public static byte AcquireSpinLock(ref int spinLock) => 0;
            public static void ReleaseSpinLock(ref int spinLock, [IrqlRestores] byte oldIrql) { }
            [Irql(KIrql.Passive)] public static int ReadRegistry(int key) => key;
            [Irql(KIrql.Dispatch)] public static int AllocateNonPaged(int size) => size;
            [Pageable] public static int ReadPagedConfig() => 1;
            public static void Log(int value) { }
        }

        """;

    [Test]
    public Task APageableCallInTheReceiveEventIsReported() => VerifyAsync(Platform + """
        [KernelCode]
        public static class Socket
        {
            // The WSK receive event runs at DISPATCH_LEVEL (upstream #115).
            [Irql(KIrql.Dispatch)]
            public static int OnReceive(int length)
            {
                int mtu = {|#0:Kernel.ReadPagedConfig()|};
                return Kernel.AllocateNonPaged(length + mtu);
            }
        }
        """,
        Diagnostic("OVD0016", 0, "call of 'Kernel.ReadPagedConfig'", "'Socket.OnReceive' ([Irql(KIrql.Dispatch)])",
            "Kernel.ReadPagedConfig", "is pageable ([Pageable])"));

    [Test]
    public Task APassiveCallReachedThroughUnmarkedHelpersIsReported() => VerifyAsync(Platform + """
        [KernelCode]
        public static class Tx
        {
            // The NetAdapterCx tx queue runs at DISPATCH_LEVEL; the checksum helper reads a setting (upstream #130).
            [Irql(KIrql.Dispatch)]
            public static void OnTransmit(int length) => Kernel.Log(Checksum(length));

            private static int Checksum(int length) => length + Offload();

            private static int Offload() => {|#0:Kernel.ReadRegistry(7)|};
        }
        """,
        Diagnostic("OVD0016", 0, "call of 'Kernel.ReadRegistry'", "'Tx.Offload' (called at DISPATCH_LEVEL from 'Tx.Checksum')",
            "Kernel.ReadRegistry", "runs at PASSIVE_LEVEL only ([Irql(KIrql.Passive)])"));

    [Test]
    public Task APassiveCallUnderASpinLockIsReportedAndAfterTheReleaseItIsNot() => VerifyAsync(Platform + """
        [KernelCode]
        public static class Ioctl
        {
            private static int s_lock;

            // An IOCTL runs at PASSIVE_LEVEL, but not while it holds the device spin lock.
            [Irql(KIrql.Passive)]
            public static int SetMode(int mode)
            {
                int before = Kernel.ReadRegistry(mode);
                byte old = Kernel.AcquireSpinLock(ref s_lock);
                int inside = {|#0:Kernel.ReadRegistry(mode)|} + Helper();
                Kernel.ReleaseSpinLock(ref s_lock, old);
                return before + inside + Kernel.ReadRegistry(mode);
            }

            private static int Helper() => {|#1:Kernel.ReadPagedConfig()|};
        }
        """,
        Diagnostic("OVD0016", 0, "call of 'Kernel.ReadRegistry'", "the code after 'Kernel.AcquireSpinLock' in 'Ioctl.SetMode' (IRQL raised)",
            "Kernel.ReadRegistry", "runs at PASSIVE_LEVEL only ([Irql(KIrql.Passive)])"),
        Diagnostic("OVD0016", 1, "call of 'Kernel.ReadPagedConfig'", "'Ioctl.Helper' (called at DISPATCH_LEVEL from 'Ioctl.SetMode')",
            "Kernel.ReadPagedConfig", "is pageable ([Pageable])"));

    [Test]
    public Task AStaticAbstractPlatformMemberCarriesItsLevel() => VerifyAsync(Platform + """
        // Interfaces cannot carry [KernelCode]; the attributes on their members count all the same.
        public interface IPlatform
        {
            [Irql(KIrql.Passive)] static abstract int OpenSocket(int port);
            [Irql(KIrql.Dispatch)] static abstract void Send(int length);
        }

        [KernelCode]
        public static class Keepalive<TPlatform> where TPlatform : IPlatform
        {
            // The device timer's DPC (upstream #40's class: a wait or a paged access from a DPC).
            [Irql(KIrql.Dispatch)]
            public static void OnTimer(int port)
            {
                TPlatform.Send(16);
                if (port != 0)
                    {|#0:TPlatform.OpenSocket(port)|};
            }
        }
        """,
        Diagnostic("OVD0016", 0, "call of 'IPlatform.OpenSocket'", "'Keepalive<TPlatform>.OnTimer' ([Irql(KIrql.Dispatch)])",
            "IPlatform.OpenSocket", "runs at PASSIVE_LEVEL only ([Irql(KIrql.Passive)])"));

    [Test]
    public Task PassiveCodeUnmarkedCodeAndDispatchSafeCallsAreClean() => VerifyAsync(Platform + """
        [KernelCode]
        public static class Device
        {
            private static int s_lock;

            [Irql(KIrql.Passive)]
            public static int Create(int key)
            {
                int value = Kernel.ReadRegistry(key) + Kernel.ReadPagedConfig();
                byte old = Kernel.AcquireSpinLock(ref s_lock);
                Kernel.Log(value);
                Kernel.ReleaseSpinLock(ref s_lock, old);
                return Kernel.ReadRegistry(value);
            }

            // No level of its own and no DISPATCH_LEVEL caller: nothing to check.
            public static int Load() => Kernel.ReadRegistry(1);

            [Irql(KIrql.Dispatch)]
            public static int OnReceive(int length) => Kernel.AllocateNonPaged(length) + Lookup(length);

            private static int Lookup(int key) => key & 7;
        }

        // Outside kernel code nothing is checked.
        public static class Tool
        {
            [Irql(KIrql.Dispatch)]
            public static int Run() => Kernel.ReadRegistry(3);
        }
        """);
}
