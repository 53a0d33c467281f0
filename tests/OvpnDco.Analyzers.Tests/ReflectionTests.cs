using System.Threading.Tasks;
using static OvpnDco.Analyzers.Tests.KernelAnalyzerTest;

namespace OvpnDco.Analyzers.Tests;

/// <summary>OVD0011: reflection and dynamic.</summary>
public class ReflectionTests
{
    [Test]
    public Task TypeofGetTypeAndReflectionMembersAreReported() => VerifyAsync("""
        using System;
        using OvpnDco.Runtime;

        [KernelCode]
        struct Peer { public int Id; }

        [KernelCode]
        static class Meta
        {
            static void Inspect(Peer peer)
            {
                Type {|#0:t|} = {|#1:typeof(int)|};
                _ = {|#2:{|OVD0011:typeof(Peer)|}.GetFields()|};
                _ = {|#3:peer.GetType()|};
                _ = {|OVD0011:Activator.CreateInstance<Peer>()|};
            }
        }
        """,
        Diagnostic("OVD0011", 0, "local 't' of type 'Type'"),
        Diagnostic("OVD0011", 1, "typeof(int)"),
        Diagnostic("OVD0011", 2, "use of reflection member 'Type.GetFields'"),
        Diagnostic("OVD0011", 3, "call of 'GetType()'"));

    [Test]
    public Task DynamicIsReported() => VerifyAsync("""
        using OvpnDco.Runtime;

        [KernelCode]
        static class Late
        {
            static void Call(dynamic {|#0:target|}) => {|#1:target.Run(1)|};
        }
        """,
        Diagnostic("OVD0011", 0, "parameter 'target' of type 'dynamic'"),
        Diagnostic("OVD0011", 1, "dynamic operation 'target.Run(1)'"));

    [Test]
    public Task TypeComparisonsSizeofNameofAndAttributeArgumentsAreAllowed() => VerifyAsync("""
        using System.ComponentModel;
        using System.Runtime.InteropServices;
        using OvpnDco.Runtime;

        [KernelCode]
        [StructLayout(LayoutKind.Sequential, Pack = 1)]
        [TypeConverter(typeof(int))]
        struct Wire { public uint Length; }

        [KernelCode]
        static unsafe class Meta
        {
            static int Width<T>() where T : unmanaged =>
                typeof(T) == typeof(byte) ? 1 : typeof(T) != typeof(ushort) ? sizeof(T) : 2;

            static int Size() => sizeof(Wire) + Marshal.SizeOf<Wire>();

            static void Trace() => Outside.Lib.Trace(nameof(Wire));
        }
        """);
}
