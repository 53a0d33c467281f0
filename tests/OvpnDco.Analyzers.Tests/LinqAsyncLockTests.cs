using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>OVD0006 LINQ, OVD0007 async/iterators, OVD0008 lock, OVD0010 finalizers.</summary>
public class LinqAsyncLockTests
{
    [Test]
    public Task LinqCallsAndQueriesAreReported() => VerifyAsync("""
        using System.Linq;
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        static class Queries
        {
            static int Positive() => {|#0:Enumerable.Count({|OVD0006:Lib.Numbers.Where({|OVD0005:n => n > 0|})|})|};
            static int Query() => {|OVD0006:Enumerable.Sum({|#1:from n in Lib.Numbers where n > 0 select n|})|};
        }
        """,
        Diagnostic("OVD0006", 0, "call of 'Enumerable.Count'"),
        Diagnostic("OVD0006", 1, "query expression"));

    [Test]
    public Task AsyncMethodsAndIteratorsAreReported() => VerifyAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using OvpnDco.Runtime;

        [KernelCode]
        static class Machines
        {
            static async ValueTask {|#0:RunAsync|}()
            {
                await default(ValueTask);
                async ValueTask {|#1:InnerAsync|}() => await default(ValueTask);
                await InnerAsync();
            }

            static IEnumerable<int> {|OVD0013:Numbers|}()
            {
                {|#2:yield return 1;|}
                {|#3:yield break;|}
            }
        }
        """,
        Diagnostic("OVD0007", 0, "async method 'RunAsync'"),
        Diagnostic("OVD0007", 1, "async local function 'InnerAsync'"),
        Diagnostic("OVD0007", 2, "iterator 'yield return'"),
        Diagnostic("OVD0007", 3, "iterator 'yield break'"));

    [Test]
    public Task LockAndMonitorAreReported() => VerifyAsync("""
        using System.Threading;
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        static class Locks
        {
            static int Count;

            static void Update()
            {
                {|#0:lock|} (Lib.Gate)
                {
                    Count++;
                }
                {|#1:Monitor.Enter(Lib.Gate)|};
                {|OVD0008:Monitor.Exit(Lib.Gate)|};
                Interlocked.Increment(ref Count);
                Volatile.Write(ref Count, 0);
            }
        }
        """,
        Diagnostic("OVD0008", 0, "lock statement"),
        Diagnostic("OVD0008", 1, "call of 'Monitor.Enter'"));

    [Test]
    public Task FinalizersAreReported() => VerifyAsync("""
        using OvpnDco.Runtime;

        [KernelCode]
        sealed class Owner
        {
            ~{|#0:Owner|}() { }
        }
        """, Diagnostic("OVD0010", 0, "finalizer '~Owner'"));
}
