using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace OvpnDco.Analyzers.Tests;

/// <summary>
/// Rejection catalog: each unsupported construct, written as a member of a [KernelCode] class, compiles and
/// yields its diagnostic without any analyzer crash. The same member outside kernel code yields nothing.
/// </summary>
public class RejectionCatalogTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Linq.Expressions;
        using System.Reflection;
        using System.Threading;
        using System.Threading.Tasks;
        using OvpnDco.Runtime;
        using Outside;

        """;

    private static string Kernel(string member, bool kernel = true) => Usings + $$"""
        public struct Value { public int X; }
        public enum Color { Red, Green }

        {{(kernel ? "[KernelCode]" : "")}}
        public abstract class Sample
        {
            static int n;
            static Value value;
            {{member}}
        }
        """;

    public static IEnumerable<TestCaseData> Constructs()
    {
        TestCaseData Case(string id, string name, string member) => new TestCaseData(id, member).SetName($"{id} {name}");

        // OVD0001 floating point
        yield return Case("OVD0001", "float field", "static float f;");
        yield return Case("OVD0001", "double local", "static void M() { double d = 1; }");
        yield return Case("OVD0001", "decimal parameter", "static void M(decimal d) { }");
        yield return Case("OVD0001", "Half return", "static Half M() => default;");
        yield return Case("OVD0001", "float literal argument", "static void M() => Lib.TakeFloat(1.5f);");
        yield return Case("OVD0001", "floating comparison", "static bool M() => n > 0.5;");
        yield return Case("OVD0001", "Math.Sqrt", "static int M() => (int)Math.Sqrt(n);");
        yield return Case("OVD0001", "Span<float> local", "static void M() { Span<float> s = stackalloc float[2]; }");
        yield return Case("OVD0001", "generic instantiation with double", "static T Id<T>(T t) => t; static void M() => Id(2.0);");
        yield return Case("OVD0001", "float pointer", "static unsafe void M(float* p) { }");
        // OVD0002 allocation
        yield return Case("OVD0002", "new class", "static void M() => _ = new Session();");
        yield return Case("OVD0002", "new array", "static void M() { Span<int> s = new int[4]; }");
        yield return Case("OVD0002", "multi-dimensional array", "static void M() => _ = new int[2, 2];");
        yield return Case("OVD0002", "params array", "static int M() => Lib.Sum(1, 2);");
        yield return Case("OVD0002", "anonymous object", "static void M() => _ = new { A = 1 };");
        yield return Case("OVD0002", "collection expression to List", "static void M() { List<int> l = [1, 2]; }");
        yield return Case("OVD0002", "with on record class", "static Point M(Point p) => p with { X = 1 };");
        yield return Case("OVD0002", "new T() unconstrained", "static T M<T>() where T : new() => new T();");
        yield return Case("OVD0002", "table with non-constant element", "static readonly int[] T = { 1, n };");
        yield return Case("OVD0002", "array in static constructor", "static readonly byte[] T; static Sample() { T = new byte[4]; }");
        yield return Case("OVD0002", "new string", "static void M() => Lib.Trace(new string('a', 2));");
        yield return Case("OVD0002", "exception object", "static Exception M() => new Exception();");
        // OVD0003 boxing
        yield return Case("OVD0003", "struct to object", "static void M() => Lib.Sink(value);");
        yield return Case("OVD0003", "int to interface", "static IComparable<int> M() => 5;");
        yield return Case("OVD0003", "enum to Enum", "static Enum M() => Color.Red;");
        yield return Case("OVD0003", "nullable to object", "static void M(int? x) => Lib.Sink(x);");
        yield return Case("OVD0003", "type parameter to object", "static void M<T>(T t) => Lib.Sink(t);");
        yield return Case("OVD0003", "GetHashCode not overridden", "static int M() => value.GetHashCode();");
        yield return Case("OVD0003", "Equals not overridden", "static bool M(Value v) => value.Equals(v);");
        yield return Case("OVD0003", "Enum.HasFlag", "static bool M(Color c) => c.HasFlag(Color.Green);");
        yield return Case("OVD0003", "ToString of enum", "static void M(Color c) => Lib.Trace(c.ToString());");
        yield return Case("OVD0003", "value type in interpolation", "static void M() => Lib.Trace($\"{n}\");");
        // OVD0004 exceptions
        yield return Case("OVD0004", "throw statement", "static void M() { throw new InvalidOperationException(); }");
        yield return Case("OVD0004", "throw expression", "static int M(int? x) => x ?? throw new InvalidOperationException();");
        yield return Case("OVD0004", "try/catch", "static void M() { try { n++; } catch (Exception) { } }");
        yield return Case("OVD0004", "try/finally", "static void M() { try { n++; } finally { n--; } }");
        yield return Case("OVD0004", "exception filter", "static void M() { try { n++; } catch when (n > 1) { } }");
        // OVD0005 lambdas and delegates
        yield return Case("OVD0005", "lambda", "static void M() => Lib.Run(() => n++);");
        yield return Case("OVD0005", "anonymous method", "static void M() => Lib.Run(delegate { n++; });");
        yield return Case("OVD0005", "method group", "static void W() { } static void M() => Lib.Run(W);");
        yield return Case("OVD0005", "Func local", "static void M() { Func<int> f = null; }");
        yield return Case("OVD0005", "delegate type", "public delegate void Handler();");
        yield return Case("OVD0005", "event", "public static event Action Changed;");
        yield return Case("OVD0005", "capturing local function", "static int M(int a) { int L() => a; return L(); }");
        yield return Case("OVD0005", "expression tree", "static void M() { Expression<Func<int>> e = () => 1; }");
        yield return Case("OVD0005", "delegate invocation", "static void M(Action a) => a();");
        // OVD0006 LINQ
        yield return Case("OVD0006", "Enumerable.Where", "static void M() => _ = Lib.Numbers.Where(x => x > 0);");
        yield return Case("OVD0006", "Enumerable.Range", "static void M() => _ = Enumerable.Range(0, 3);");
        yield return Case("OVD0006", "query expression", "static void M() => _ = from x in Lib.Numbers select x;");
        yield return Case("OVD0006", "LINQ method group", "static void M() { Func<IEnumerable<int>, int> f = Enumerable.Count; }");
        // OVD0007 async and iterators
        yield return Case("OVD0007", "async method", "static async ValueTask M() => await Task.Yield();");
        yield return Case("OVD0007", "async local function", "static void M() { async ValueTask L() => await Task.Yield(); }");
        yield return Case("OVD0007", "yield return", "static IEnumerable<int> M() { yield return 1; }");
        yield return Case("OVD0007", "yield break", "static IEnumerable<int> M() { yield break; }");
        yield return Case("OVD0007", "await foreach", "static async ValueTask M(IAsyncEnumerable<int> xs) { await foreach (var x in xs) { } }");
        // OVD0008 lock
        yield return Case("OVD0008", "lock statement", "static void M() { lock (Lib.Gate) { } }");
        yield return Case("OVD0008", "Monitor.Enter", "static void M() => Monitor.Enter(Lib.Gate);");
        yield return Case("OVD0008", "Monitor.TryEnter", "static bool M() => Monitor.TryEnter(Lib.Gate);");
        yield return Case("OVD0008", "System.Threading.Lock scope", "static readonly Lock Gate = new(); static void M() { using (Gate.EnterScope()) { } }");
        // OVD0009 strings
        yield return Case("OVD0009", "string local", "static void M() { string s = \"a\"; }");
        yield return Case("OVD0009", "string field", "static string s = \"a\";");
        yield return Case("OVD0009", "string parameter", "static void M(string s) { }");
        yield return Case("OVD0009", "string return", "static string M() => \"a\";");
        yield return Case("OVD0009", "concatenation", "static void M() => Lib.Trace(\"a\" + Lib.Name);");
        yield return Case("OVD0009", "interpolation", "static void M() => Lib.Trace($\"a{Lib.Name}\");");
        yield return Case("OVD0009", "int.ToString", "static void M() => Lib.Trace(n.ToString());");
        yield return Case("OVD0009", "string.Format", "static void M() => Lib.Trace(string.Format(\"{0}\", Lib.Name));");
        yield return Case("OVD0009", "string.Empty", "static void M() => Lib.Trace(string.Empty);");
        yield return Case("OVD0009", "string length", "static int M() => \"abc\".Length;");
        yield return Case("OVD0009", "string comparison", "static bool M() => Lib.Name == \"a\";");
        yield return Case("OVD0009", "string property of other code", "static void M() => Lib.Trace(Lib.Name);");
        yield return Case("OVD0009", "string switch", "static int M() => Lib.Name switch { \"a\" => 1, _ => 0 };");
        // OVD0010 finalizers
        yield return Case("OVD0010", "finalizer", "~Sample() { }");
        // OVD0011 reflection and dynamic
        yield return Case("OVD0011", "typeof", "static void M() => Lib.Sink(typeof(int));");
        yield return Case("OVD0011", "GetType", "static void M() => _ = value.GetType();");
        yield return Case("OVD0011", "Type.GetMethods", "static void M() => _ = typeof(Value).GetMethods();");
        yield return Case("OVD0011", "Activator", "static void M() => _ = Activator.CreateInstance<Value>();");
        yield return Case("OVD0011", "Assembly", "static void M() => _ = Assembly.GetExecutingAssembly();");
        yield return Case("OVD0011", "MethodInfo local", "static void M() { MethodInfo m = null; }");
        yield return Case("OVD0011", "dynamic local", "static void M() { dynamic d = null; }");
        yield return Case("OVD0011", "dynamic call", "static void M(dynamic d) => d.Run();");
        // OVD0012 virtual dispatch
        yield return Case("OVD0012", "virtual method", "public virtual void M() { }");
        yield return Case("OVD0012", "abstract method", "public abstract void M();");
        yield return Case("OVD0012", "override", "public override string ToString() => \"x\";");
        yield return Case("OVD0012", "record class", "public record class R;");
        yield return Case("OVD0012", "virtual call", "static int M(Session s) => s.Score();");
        yield return Case("OVD0012", "interface call", "static int M(IShape s) => s.Area();");
        yield return Case("OVD0012", "foreach over IEnumerable", "static void M(IEnumerable<int> xs) { foreach (var x in xs) { } }");
        yield return Case("OVD0012", "using of class", "static void M() { using var r = Lib.Open(); }");
        // OVD0013 reference-typed storage
        yield return Case("OVD0013", "class field", "static Session s;");
        yield return Case("OVD0013", "interface parameter", "static void M(IShape s) { }");
        yield return Case("OVD0013", "object local", "static void M() { object o = null; }");
        yield return Case("OVD0013", "array parameter", "static void M(int[] a) { }");
        yield return Case("OVD0013", "List return", "static List<int> M() => null;");
        yield return Case("OVD0013", "Span of class", "static void M(Span<Session> s) { }");
        yield return Case("OVD0013", "instance field in class", "int count;");
        yield return Case("OVD0013", "auto-property in class", "public int Count { get; set; }");
        yield return Case("OVD0013", "params array declaration", "static void M(params int[] a) { }");
        // OVD0014 runtime type tests
        yield return Case("OVD0014", "is class", "static bool M(object o) => o is Session;");
        yield return Case("OVD0014", "as", "static Session M(object o) => o as Session;");
        yield return Case("OVD0014", "downcast", "static Session M(object o) => (Session)o;");
        yield return Case("OVD0014", "unboxing", "static int M(object o) => (int)o;");
        yield return Case("OVD0014", "declaration pattern", "static bool M(object o) => o is Session s;");
        yield return Case("OVD0014", "switch type pattern", "static int M(object o) => o switch { int i => i, _ => 0 };");
        yield return Case("OVD0014", "struct tested for interface", "static bool M(Value v) => v is IComparable;");
        yield return Case("OVD0014", "type parameter test", "static bool M<T>(T t) => t is int;");
    }

    /// <summary>Members of the kernel subset DESIGN.md allows: no diagnostic in kernel code.</summary>
    public static IEnumerable<TestCaseData> AllowedConstructs()
    {
        TestCaseData Case(string name, string member) => new TestCaseData(member).SetName($"allowed {name}");

        yield return Case("struct field and static field", "static Value current; static Color color;");
        yield return Case("pointer arithmetic", "static unsafe int M(byte* p, int n) => p[n] + *(p + 1);");
        yield return Case("fixed statement", "static unsafe int M(Span<byte> s) { fixed (byte* p = s) { return p == null ? 0 : *p; } }");
        yield return Case("fixed buffer in nested struct", "unsafe struct Buf { public fixed byte Data[16]; }");
        yield return Case("stackalloc", "static int M() { Span<byte> b = stackalloc byte[8]; return b.Length; }");
        yield return Case("span slicing", "static int M(ReadOnlySpan<byte> s) => s.Slice(1, 2)[0] + s[^1];");
        yield return Case("static readonly table", "static readonly ushort[] Ports = { 1194, 443 };");
        yield return Case("ReadOnlySpan constant data", "static ReadOnlySpan<byte> Key => new byte[] { 1, 2, 3 };");
        yield return Case("UTF-8 literal", "static ReadOnlySpan<byte> Name => \"ovpn\"u8;");
        yield return Case("generic static abstract call", "interface IClock { static abstract ulong Now(); } static ulong M<T>() where T : IClock => T.Now();");
        yield return Case("constrained interface call", "static int M<T>(T a, T b) where T : IComparable<T> => a.CompareTo(b);");
        yield return Case("function pointer", "static int Twice(int x) => x * 2; static unsafe int M() { delegate*<int, int> f = &Twice; return f(2); }");
        yield return Case("unmanaged function pointer field", "static unsafe delegate* unmanaged<int, void> callback;");
        yield return Case("ref in out", "static void M(ref int a, in int b, out int c) { c = a + b; a++; }");
        yield return Case("ref return", "static ref int M(Span<int> s) => ref s[0];");
        yield return Case("checked arithmetic", "static int M(int a, int b) => checked(a * b);");
        yield return Case("unchecked arithmetic", "static uint M(uint a) => unchecked(a * 2654435761u);");
        yield return Case("nameof argument", "static void M() => Lib.Trace(nameof(M));");
        yield return Case("sizeof", "static unsafe int M() => sizeof(Value) + sizeof(long);");
        yield return Case("string literal argument", "static void M() => Lib.Trace(\"peer added\");");
        yield return Case("const string argument", "const string Event = \"PeerAdded\"; static void M() => Lib.Trace(Event);");
        yield return Case("enum switch", "static int M(Color c) => c switch { Color.Red => 1, _ => 2 };");
        yield return Case("tuple", "static (int, uint) M(int a) => (a, (uint)a);");
        yield return Case("nullable value", "static int M(int? a) => a ?? 0;");
        yield return Case("static local function", "static int M(int a) { static int Sq(int x) => x * x; return Sq(a); }");
        yield return Case("Interlocked", "static int M() => Interlocked.Increment(ref n);");
        yield return Case("foreach over span", "static int M(ReadOnlySpan<int> s) { int t = 0; foreach (var x in s) t += x; return t; }");
        yield return Case("default and new struct", "static Value M() => new Value { X = default(int) };");
        yield return Case("typeof comparison", "static bool M<T>() => typeof(T) == typeof(int);");
        yield return Case("non-virtual instance method on class without state", "int Twice(int x) => x * 2;");
    }

    [TestCaseSource(nameof(AllowedConstructs))]
    public async Task TheAllowedConstructIsNotReported(string member)
    {
        var result = await Analysis.RunAsync(Kernel(member), KernelAnalyzerTest.OutsideSource);
        result.AssertNoCrash(member);
        Assert.That(result.CompilerErrors.Select(d => d.ToString()), Is.Empty, "the sample must compile");
        Assert.That(result.Diagnostics.Select(d => d.ToString()), Is.Empty);
    }

    [TestCaseSource(nameof(Constructs))]
    public async Task TheConstructIsRejectedWithItsDiagnostic(string id, string member)
    {
        var result = await Analysis.RunAsync(Kernel(member), KernelAnalyzerTest.OutsideSource);
        result.AssertNoCrash(member);
        Assert.That(result.CompilerErrors.Select(d => d.ToString()), Is.Empty, "the sample must compile");
        Assert.That(result.Ids, Does.Contain(id), string.Join("\n", result.Diagnostics));
    }

    [TestCaseSource(nameof(Constructs))]
    public async Task TheConstructIsAllowedOutsideKernelCode(string id, string member)
    {
        var result = await Analysis.RunAsync(Kernel(member, kernel: false), KernelAnalyzerTest.OutsideSource);
        result.AssertNoCrash(member);
        Assert.That(result.Diagnostics.Select(d => d.ToString()), Is.Empty, id);
    }
}
