using System.Linq;
using System.Threading.Tasks;
using OvpnDco.Generators.Dispatch;

namespace OvpnDco.Generators.Tests;

public class DispatchGeneratorTests
{
    [Test]
    public async Task SmallInputGivesTheGoldenDispatchTable()
    {
        await GeneratorTest<IoctlDispatchGenerator>.VerifyGeneratedAsync(Samples.Dispatch,
            "Sample.Driver_TPlatform_.IoctlDispatch.g.cs", GoldenFiles.Read("sample-dispatch.g.cs"));
    }

    [Test]
    public void GoldenDispatchEnforcesTheRules()
    {
        string code = GoldenFiles.Read("sample-dispatch.g.cs");
        string statements = string.Join("\n", code.Split('\n').Select(l => l.Split("//")[0]));
        Assert.That(statements, Does.Not.Contain("\"").And.Not.Contain("$\""), "no strings outside comments");
        // Kernel subset: a switch and static calls; no delegates, lambdas, allocations, exceptions or strings.
        Assert.That(code, Does.Not.Contain("=>"));
        Assert.That(code, Does.Not.Contain(" new "));
        Assert.That(code, Does.Not.Contain("throw"));
        Assert.That(code, Does.Not.Contain("delegate"));
        Assert.That(code, Does.Contain("if (input.Length < sizeof(global::Sample.Peer))\n                        return global::OvpnDco.Runtime.Uapi.NtStatus.BufferTooSmall;"));
        Assert.That(code, Does.Contain("if (output.Length < sizeof(long))\n                        return global::OvpnDco.Runtime.Uapi.NtStatus.BufferTooSmall;"));
        Assert.That(code, Does.Contain("default:\n                    return global::OvpnDco.Runtime.Uapi.NtStatus.InvalidDeviceRequest;"));
        Assert.That(code, Does.Contain("return global::OvpnDco.Runtime.Uapi.NtStatus.BufferTooSmall;\n                    return NewPeer("), "no output struct: nothing zeroed");
        Assert.That(code, Does.Contain("global::OvpnDco.Runtime.Uapi.IoctlBuffer.Zero(output.Slice(0, sizeof(long)));\n                    return GetStats("),
            "the output struct's bytes zeroed, not the caller's whole buffer");
    }

    [Test]
    public async Task NestedGenericInternalTypesAreSupported()
    {
        const string source = """
            using System;
            using OvpnDco.Runtime.Uapi;

            namespace Deep.Inside
            {
                internal partial struct Outer<T>
                {
                    internal partial class Handlers<TState>
                    {
                        [Ioctl(7)]
                        private static NtStatus Ping(ref TState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
                            => NtStatus.Success;
                    }
                }

                internal static class Use
                {
                    internal static NtStatus Call(ref int state)
                    {
                        int n = 0;
                        return Outer<long>.Handlers<int>.DispatchIoctl(ref state, IoctlModes.MP, 0x0022001Cu, default, default, ref n);
                    }
                }
            }
            """;
        var test = new GeneratorTest<IoctlDispatchGenerator>(source)
        {
            TestBehaviors = Microsoft.CodeAnalysis.Testing.TestBehaviors.SkipGeneratedSourcesCheck,
        };
        await test.RunAsync();
    }
}
