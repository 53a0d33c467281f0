using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>OVD0004: exceptions.</summary>
public class ExceptionTests
{
    [Test]
    public Task ThrowStatementsAndExpressionsAreReported() => VerifyAsync("""
        using System;
        using OvpnDco.Runtime;

        [KernelCode]
        static class Checks
        {
            static void Check(int n)
            {
                if (n < 0)
                    {|#0:throw {|OVD0002:new ArgumentOutOfRangeException()|};|}
            }

            static int Value(int? n) => n ?? {|#1:throw {|OVD0002:new InvalidOperationException()|}|};
        }
        """,
        Diagnostic("OVD0004", 0, "throw statement"),
        Diagnostic("OVD0004", 1, "throw expression"));

    [Test]
    public Task TryStatementsAreReportedAtTheTryKeyword() => VerifyAsync("""
        using System;
        using OvpnDco.Runtime;

        [KernelCode]
        static class Checks
        {
            static int X;

            static void Guarded()
            {
                {|#0:try|} { X++; } catch (Exception {|OVD0013:e|}) when (X > 0) { {|#1:throw;|} }
                {|#2:try|} { X++; } finally { X--; }
                {|#3:try|} { X++; } catch { } finally { X--; }
            }
        }
        """,
        Diagnostic("OVD0004", 0, "'try/catch'"),
        Diagnostic("OVD0004", 1, "rethrow 'throw;'"),
        Diagnostic("OVD0004", 2, "'try/finally'"),
        Diagnostic("OVD0004", 3, "'try/catch/finally'"));

    [Test]
    public Task ForeachOverSpansUsingOfStructsAndCheckedArithmeticAreAllowed() => VerifyAsync("""
        using System;
        using OvpnDco.Runtime;

        [KernelCode]
        ref struct SpinGuard
        {
            public void Dispose() { }
        }

        [KernelCode]
        struct Handle : IDisposable
        {
            public void Dispose() { }
        }

        [KernelCode]
        static class Loops
        {
            static readonly byte[] Table = { 1, 2, 3 };

            static int Sum(ReadOnlySpan<byte> data, Span<int> more)
            {
                int total = 0;
                foreach (var b in data)
                    total = checked(total + b);
                foreach (ref var m in more)
                    m++;
                foreach (var t in Table)
                    total += t;
                using (var guard = new SpinGuard())
                {
                    total++;
                }
                using var handle = new Handle();
                return total;
            }
        }
        """);
}
