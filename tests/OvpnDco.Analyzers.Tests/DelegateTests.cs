using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>OVD0005: lambdas, delegates, events, capturing local functions.</summary>
public class DelegateTests
{
    [Test]
    public Task LambdasAnonymousMethodsAndMethodGroupsAreReported() => VerifyAsync("""
        using System;
        using OvpnDco.Runtime;
        using Outside;

        [KernelCode]
        static class Callbacks
        {
            static void Work() { }

            static void Register()
            {
                Lib.Run({|#0:() => { }|});
                Lib.Run({|#1:delegate { }|});
                Lib.Run({|#2:Work|});
                Func<int> {|#3:f|} = {|OVD0005:() => 1|};
                _ = {|#4:f()|};
            }
        }
        """,
        Diagnostic("OVD0005", 0, "lambda"),
        Diagnostic("OVD0005", 1, "anonymous method"),
        Diagnostic("OVD0005", 2, "creation of delegate 'Action' from method group 'Work'"),
        Diagnostic("OVD0005", 3, "local 'f' of type 'Func<int>'"),
        Diagnostic("OVD0005", 4, "invocation of delegate 'Func<int>'"));

    [Test]
    public Task DelegateTypesEventsAndDelegateParametersAreReported() => VerifyAsync("""
        using System;
        using OvpnDco.Runtime;

        [KernelCode]
        static class Events
        {
            public delegate void {|#0:Callback|}(int value);
            public static event Action {|#1:Changed|};
            static Action {|OVD0005:handler|};
            static void Call(Callback {|OVD0005:callback|}) => {|OVD0005:callback(1)|};
            static void Subscribe() => {|#2:Changed += handler|};
        }
        """,
        Diagnostic("OVD0005", 0, "delegate type 'Callback'"),
        Diagnostic("OVD0005", 1, "event 'Changed'"),
        Diagnostic("OVD0005", 2, "event subscription 'Changed'"));

    [Test]
    public Task CapturingLocalFunctionsAreReported() => VerifyAsync("""
        using OvpnDco.Runtime;

        [KernelCode]
        struct Counter
        {
            static int Add(int x)
            {
                int {|#0:Plus|}(int y) => x + y;
                int Outer(int v)
                {
                    int local = v;
                    int {|#2:Inner|}(int w) => w + local;
                    return Inner(v);
                }
                return Plus(1) + Outer(2);
            }
        }

        [KernelCode]
        sealed class Worker
        {
            int Id() => 1;

            int Run()
            {
                int {|#1:Self|}() => Id();
                return Self();
            }
        }
        """,
        Diagnostic("OVD0005", 0, "local function 'Plus' capturing 'x'"),
        Diagnostic("OVD0005", 1, "local function 'Self' capturing 'this'"),
        Diagnostic("OVD0005", 2, "local function 'Inner' capturing 'local'"));

    [Test]
    public Task NonCapturingLocalFunctionsAndFunctionPointersAreAllowed() => VerifyAsync("""
        using System.Runtime.InteropServices;
        using OvpnDco.Runtime;

        [KernelCode]
        static unsafe class Native
        {
            [UnmanagedCallersOnly]
            static int Completion(int status) => status;

            static void Work(int x) { }

            static int Use(int a)
            {
                static int Twice(int v) => v * 2;
                int Square(int v)
                {
                    int local = v;
                    int Inner(int w) => w + 1;
                    return Inner(local) * v;
                }
                delegate* unmanaged<int, int> callback = &Completion;
                delegate*<int, void> managed = &Work;
                managed(a);
                return callback(Twice(a)) + Square(a);
            }
        }
        """);
}
