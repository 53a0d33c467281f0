using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OvpnDco.Generators.Uapi;

namespace OvpnDco.Generators.Tests;

public class HeaderGeneratorTests
{
    [Test]
    public async Task SmallInputGivesTheGoldenHeader()
    {
        string header = GoldenFiles.Read("sample-uapi.h");
        await GeneratorTest<UapiHeaderGenerator>.VerifyGeneratedAsync(Samples.Uapi, "UapiHeader.g.cs", UapiHeaderGenerator.ToCSharp(header));
    }

    [Test]
    public void GoldenHeaderHasTheExpectedShape()
    {
        // Spot checks of the golden file itself, so that a regenerated golden that lost something is noticed.
        string header = GoldenFiles.Read("sample-uapi.h");
        Assert.That(header, Does.Contain("#define SAMPLE_IOCTL_PEER CTL_CODE(FILE_DEVICE_UNKNOWN, 1, METHOD_BUFFERED, FILE_ANY_ACCESS)"));
        Assert.That(header, Does.Contain("    SAMPLE_PROTO_TCP_LIKE = 1\n} SAMPLE_PROTO;"));
        Assert.That(header, Does.Contain("#define SAMPLE_FLAG_WIDE_ID (1 << 2)"));
        Assert.That(header, Does.Contain("    union {\n        SOCKADDR_IN Addr4;\n        UINT32 Raw;\n    } Addr;"));
        Assert.That(header, Does.Contain("    LONG64 Bytes;\n} SAMPLE_PEER, *PSAMPLE_PEER;"));
        Assert.That(header, Does.Contain("OVPN_DCO_STATIC_ASSERT(offsetof(SAMPLE_PEER, Bytes) == 24,"));
        Assert.That(header, Does.Contain("OVPN_DCO_STATIC_ASSERT(OVPN_DCO_ALIGNOF(SAMPLE_PEER) == 8,"));
        Assert.That(header, Does.Contain("OVPN_DCO_STATIC_ASSERT(offsetof(SOCKADDR_IN, sin_port) == 2,"));
        Assert.That(header, Does.Contain("OVPN_DCO_STATIC_ASSERT(SAMPLE_IOCTL_STATS == 0x00220008,"));
        // SAMPLE_PEER_V2 embeds SAMPLE_PEER, which must come first.
        Assert.That(header.IndexOf("} SAMPLE_PEER,", System.StringComparison.Ordinal),
            Is.LessThan(header.IndexOf("} SAMPLE_PEER_V2,", System.StringComparison.Ordinal)));
        Assert.That(header, Does.EndWith("#endif /* OVPN_DCO_UAPI_H */\n"));
    }

    [TestCase("")]
    [TestCase("one line without end")]
    [TestCase("a \"quoted\" \\ back\tslash\nsecond\n")]
    [TestCase("#define X 1\n\n\n#endif\n")]
    public void CSharpWrapperHoldsTheExactText(string text)
    {
        var tree = CSharpSyntaxTree.ParseText(UapiHeaderGenerator.ToCSharp(text));
        var compilation = CSharpCompilation.Create("wrapper", new[] { tree }, LocalReferences.Framework,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.That(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty);
        var declarator = tree.GetRoot().DescendantNodes().OfType<VariableDeclaratorSyntax>().Single(v => v.Identifier.Text == "Text");
        var value = compilation.GetSemanticModel(tree).GetConstantValue(declarator.Initializer!.Value);
        Assert.That(value.Value, Is.EqualTo(text));
    }

    [TestCase("AesGcm", "AES_GCM")]
    [TestCase("TransportError", "TRANSPORT_ERROR")]
    [TestCase("P2P", "P2P")]
    [TestCase("MP", "MP")]
    [TestCase("Udp", "UDP")]
    [TestCase("TCPLike", "TCP_LIKE")]
    public void EnumMemberNamesBecomeUpperSnakeCase(string name, string expected)
        => Assert.That(UapiHeaderWriter.UpperSnake(name), Is.EqualTo(expected));

    [Test]
    public async Task NoUapiDeclarationsGiveNoHeader()
    {
        var test = new GeneratorTest<UapiHeaderGenerator>("namespace Empty { public struct Plain { public int X; } }");
        await test.RunAsync();
    }
}
