using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>OVD0009: strings that are not literals.</summary>
public class StringTests
{
    [Test]
    public Task StringStorageIsReported() => VerifyAsync("""
        using OvpnDco.Runtime;

        [KernelCode]
        static class Names
        {
            static string {|#0:Mutable|} = "x";
            static readonly string {|OVD0009:Fixed|} = "y";
            static string {|#1:Name|}() => "peer";
            static void Trace(string {|#2:message|}) { }

            static void Local()
            {
                string {|#3:s|} = "abc";
                Trace(s);
            }
        }
        """,
        Diagnostic("OVD0009", 0, "field 'Mutable' of type 'string'"),
        Diagnostic("OVD0009", 1, "method 'Name' returning 'string'"),
        Diagnostic("OVD0009", 2, "parameter 'message' of type 'string'"),
        Diagnostic("OVD0009", 3, "local 's' of type 'string'"));

    [Test]
    public Task StringOperationsAreReported() => VerifyAsync("""
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        static class Names
        {
            static void Use(int n)
            {
                Lib.Trace({|#0:"peer " + Lib.Name|});
                Lib.Trace({|OVD0009:$"n={{|OVD0003:n|}}"|});
                Lib.Trace({|#1:n.ToString()|});
                Lib.Trace({|#2:string.Empty|});
                _ = {|#3:"abc".Length|};
                _ = {|#4:Lib.Name == "x"|};
            }
        }
        """,
        Diagnostic("OVD0009", 0, "string concatenation '\"peer \" + Lib.Name'"),
        Diagnostic("OVD0009", 1, "non-literal string 'n.ToString()'"),
        Diagnostic("OVD0009", 2, "use of string member 'string.Empty'"),
        Diagnostic("OVD0009", 3, "use of string member 'string.Length'"),
        Diagnostic("OVD0009", 4, "string comparison 'Lib.Name == \"x\"'"));

    [Test]
    public Task LiteralsConstantsNameofAndBodilessDeclarationsAreAllowed() => VerifyAsync("""
        using System;
        using System.Runtime.InteropServices;
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        static partial class Names
        {
            public interface ITrace
            {
                static abstract void Event(string name, int value);
            }

            const string Prefix = "ovpn-dco";
            const string Full = Prefix + ": peer";

            [DllImport("trace")]
            static extern void Native(string message);

            static partial void Hook(string message);

            static void Use<TTrace>(int n) where TTrace : ITrace
            {
                const string local = "local";
                Lib.Trace("literal");
                Lib.Trace(Prefix);
                Lib.Trace(Full);
                Lib.Trace(local);
                Lib.Trace(nameof(Use));
                Lib.Trace($"{Prefix} constant interpolation");
                TTrace.Event("peer-added", n);
                Native("native");
                ReadOnlySpan<byte> utf8 = "utf-8 literal"u8;
            }
        }
        """);
}
