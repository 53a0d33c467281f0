using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>
/// What never becomes C is not kernel code: the body of an [Import] method (the compiler calls the C function; .NET
/// runs the body, e.g. a generated trace event formatting its line) and a [TraceSink]. The same code elsewhere is.
/// </summary>
public class ManagedOnlyTests
{
    private const string Attributes = """
        using OvpnDco.Runtime;

        namespace OvpnDco.Runtime
        {
            public sealed class ImportAttribute : System.Attribute { public ImportAttribute(string cName) { } }
            public sealed class TraceSinkAttribute : System.Attribute { }
        }

        """;

    [Test]
    public Task ImportBodiesAndTraceSinksAreNotChecked() => VerifyAsync(Attributes + """
        [KernelCode]
        static class Events
        {
            [TraceSink]
            static void Sink(int level, string line) => System.Console.WriteLine(level + ": " + line);

            [Import("ovpn_trace_keepalive")]
            public static void Keepalive(uint peerId) => Sink(4, "Keepalive peerId=" + peerId.ToString());

            static void Plain(uint peerId, string {|#0:line|}) => Sink(4, {|#1:"Keepalive peerId=" + peerId.ToString()|});
        }
        """,
        Diagnostic("OVD0009", 0, "parameter 'line' of type 'string'"),
        Diagnostic("OVD0009", 1, "string concatenation '\"Keepalive peerId=\" + peerId.ToString()'"));
}
