namespace OvpnDco.Analyzers.Tests;

/// <summary>Larger samples shared by the scope and robustness tests.</summary>
internal static class Samples
{
    /// <summary>Every forbidden construct at least once (and many allowed ones), without [KernelCode].</summary>
    public const string Violations = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        namespace Mixed
        {
            public interface IShape { int Area(); }

            public abstract class Base
            {
                public abstract int Area();
                public virtual int Sides => 0;
                ~Base() { }
            }

            public sealed class Derived : Base
            {
                public override int Area() => 4;
            }

            public record class Note(int Id);

            public struct Peer
            {
                public int Id;
                public float Gain;
                public string Name;
                public object Tag;
                public Action Callback;
            }

            public delegate void Handler(int status);

            public static class Everything
            {
                static readonly object Gate = new object();
                static event Action Changed;
                static int Counter;

                public static double Ratio(int a, int b) => (double)a / b;

                public static string Describe(Peer peer, int n)
                {
                    object boxed = peer;
                    var text = $"peer {peer.Id} n={n}" + peer.Name;
                    var hash = peer.GetHashCode();
                    var type = peer.GetType();
                    dynamic late = n;
                    return text + type.Name + hash + late;
                }

                public static int Linq(int[] values) => values.Where(v => v > 0).Select(v => v * 2).Sum()
                    + (from v in values where v > 1 select v).Count();

                public static async Task<int> LoadAsync()
                {
                    await Task.Delay(1);
                    return 1;
                }

                public static IEnumerable<int> Iterate()
                {
                    yield return 1;
                }

                public static void Sync()
                {
                    lock (Gate) { Counter++; }
                    Monitor.Enter(Gate);
                    Monitor.Exit(Gate);
                }

                public static int Guarded(int n)
                {
                    try
                    {
                        if (n < 0) throw new ArgumentException("n");
                        return n;
                    }
                    catch (ArgumentException)
                    {
                        throw;
                    }
                    finally
                    {
                        Counter--;
                    }
                }

                public static int Dispatch(Base b, IShape s, IEnumerable<int> xs)
                {
                    int total = b.Area() + s.Area();
                    foreach (var x in xs) total += x;
                    using (var timer = new Timer(_ => { })) { }
                    return total;
                }

                public static bool Types(object o) => o is Derived || (o as Note) != null || (int)o == 3;

                public static void Closures(int x)
                {
                    int Capture() => x;
                    Func<int> f = Capture;
                    Handler h = delegate (int s) { };
                    Changed += () => { };
                    f();
                    h(1);
                    var anon = new { X = 1 };
                    var copy = new Note(1) with { Id = 2 };
                    var list = new List<int> { 1, 2 };
                    int[] arr = [1, 2, 3];
                    Console.WriteLine("{0} {1}", x, anon);
                    var reflected = typeof(Peer).GetFields();
                    var made = Activator.CreateInstance<Peer>();
                }
            }

            public static unsafe class Allowed
            {
                public interface IPlatform
                {
                    static abstract void* Alloc(nuint size, uint tag);
                    static abstract void Trace(string message);
                }

                static ReadOnlySpan<byte> Sbox => new byte[] { 0x63, 0x7c };
                static readonly uint[] Table = { 1, 2, 3 };
                const string Name = "ovpn-dco";

                public static int Run<TPlatform>(ReadOnlySpan<byte> data) where TPlatform : IPlatform
                {
                    Span<byte> scratch = stackalloc byte[16];
                    void* block = TPlatform.Alloc(64, 0x4F56_4450u);
                    TPlatform.Trace(Name);
                    TPlatform.Trace("literal");
                    int sum = 0;
                    foreach (var b in data) sum = checked(sum + b);
                    delegate*<int, int> twice = &Twice;
                    static int Twice(int v) => v * 2;
                    return twice(sum) + scratch.Length + Sbox[0] + (int)Table[1] + sizeof(long) + (block == null ? 0 : 1);
                }
            }
        }
        """;

    /// <summary>Code full of errors: missing types and members, wrong arity, incomplete statements.</summary>
    public const string Broken = """
        using OvpnDco.Runtime;

        [KernelCode]
        static class Broken
        {
            static Missing Field = new Missing();
            static int M(UnknownType x) => x.Foo(1.5) + Nope;
            static void N() { var y = new int[; throw; try { } lock () { } foreach (var z in ) { } }
            static async void O() { await; yield return; }
            static string P() => $"{Undefined}" + undefinedLocal;
            static object Q => (Unknown)null as Other is Third;
            static void R<T>() where T : INotThere => T.Missing();
            delegate* unmanaged<Unknown, void> S;
            static double T = (float)"x" + default;
            ~Broken() { }
            public override string ToString() => base.Nothing();
            static int U() => from q in Bad select q.W;
            static void V() { Func<int> f = () => Missing(); f(); }
            [KernelCode(1)] static void W() { string s = null; s.Length; }
            static dynamic X(dynamic d) => d.Y(1)[2];
            static void Y() { checked { int a = int.MaxValue + ; } }
        """;
}
