using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Mono.Cecil;
using OvpnDco.Compiler.Emit;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Kernel.Tests;

/// <summary>
/// Every binding in runtime-kernel/OvpnDco.Wdk against the real WDK headers, on x64, x86 and ARM64: each [Import] is
/// called with arguments of the C types the compiler gives its C# parameters and its result taken as the C# return
/// type; each field of an [ExternType] struct is assigned a value of its C# field's C type (a function-pointer field is
/// called through instead); each member of an extern enum is asserted equal to the header's value. A wrong pointer
/// type, a misspelt name, a missing field or a wrong constant fails the compile (-Wall -Werror).
/// </summary>
public class BindingSignatureTests
{
    private static string WdkAssembly => Path.Combine(AppContext.BaseDirectory, "OvpnDco.Wdk.dll");

    /// <summary>The C of the checks, and how many bindings it covers.</summary>
    public static (string Source, int Imports, int Fields, int Constants) Generate()
    {
        using var module = ModuleDefinition.ReadModule(WdkAssembly, new ReaderParameters { AssemblyResolver = Resolver() });
        var types = new TypeMapper();
        var body = new StringBuilder();
        int imports = 0, fields = 0, constants = 0;
        foreach (var type in module.Types.OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            foreach (var m in type.Methods.Where(m => Imports.Of(m) != null).OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                var name = Imports.Of(m)!;
                var ret = types.Map(m.ReturnType);
                var parameters = m.Parameters.Select((p, i) => (Type: types.Map(p.ParameterType), Name: "a" + i)).ToList();
                var call = $"{name}({string.Join(", ", parameters.Select(p => p.Name))})";
                body.Append($"{ret.Declare("check_import_" + name)}({Params(parameters)})\n{{\n    {(ret == CType.Void ? "" : "return ")}{call};\n}}\n\n");
                imports++;
            }
            if (ExternTypes.Of(type) is not { } extern_)
                continue;
            var self = types.Map(type);
            if (type.IsEnum)
            {
                foreach (var f in type.Fields.Where(f => f.IsStatic && f.HasConstant))
                {
                    body.Append($"_Static_assert((long long)({f.Name}) == {Convert.ToInt64(f.Constant)}LL, \"{type.Name}.{f.Name}\");\n");
                    constants++;
                }
                continue;
            }
            if (ExternTypes.IsHandle(type))
                continue;
            foreach (var f in type.Fields.Where(f => !f.IsStatic && !(f.FieldType is not PointerType and not FunctionPointerType && f.FieldType.Resolve() is { } ft && TypeMapper.IsFixedBuffer(ft))))
            {
                var cName = TypeMapper.FieldName(f);
                var check = $"check_field_{Ident(extern_.CName)}_{Ident(cName)}";
                if (f.FieldType is FunctionPointerType fp)
                {
                    var ret = types.Map(fp.ReturnType);
                    var parameters = fp.Parameters.Select((p, i) => (Type: types.Map(p.ParameterType), Name: "a" + i)).ToList();
                    var call = $"s->{cName}({string.Join(", ", parameters.Select(p => p.Name))})";
                    body.Append($"{ret.Declare(check)}({self.Name} *s{(parameters.Count > 0 ? ", " : "")}{Params(parameters)})\n{{\n    " +
                                $"{(ret == CType.Void ? "" : "return ")}{call};\n}}\n\n");
                    // The compiled code loads the field into a variable of its own function-pointer type before the
                    // call: that type must be the header's exactly (const, SIZE_T vs uintptr_t on x86, enum types).
                    body.Append($"void {check}_load({self.Name} *s)\n{{\n    {types.Map(f.FieldType).Declare("v")} = s->{cName};\n    (void)v;\n}}\n\n");
                }
                else
                {
                    var ft = types.Map(f.FieldType);
                    body.Append($"void {check}({self.Name} *s, {ft.Declare("v")})\n{{\n    s->{cName} = v;\n}}\n\n");
                }
                fields++;
            }
        }
        // Constants in static classes (macros of the headers): asserted by name.
        foreach (var type in module.Types.Where(t => t.IsAbstract && t.IsSealed))
            foreach (var f in type.Fields.Where(f => f.HasConstant && f.Name.All(c => !char.IsAsciiLetterLower(c)) &&
                                                     f.FieldType.MetadataType is MetadataType.UInt16 or MetadataType.UInt32 or MetadataType.Int32))
            {
                body.Append($"_Static_assert((long long)({f.Name}) == {Convert.ToInt64(f.Constant)}LL, \"{type.Name}.{f.Name}\");\n");
                constants++;
            }
        // Header constants the generated C reads by name ([CName] static readonly): the header's value must be ours
        // (the simulation and the tests use ours).
        var assembly = System.Reflection.Assembly.LoadFrom(WdkAssembly);
        foreach (var type in module.Types.Where(t => t.IsAbstract && t.IsSealed))
            foreach (var f in type.Fields.Where(f => f.IsStatic && f.IsInitOnly && ExternTypes.CNameOf(f) != null))
            {
                var value = assembly.GetType(type.FullName)!.GetField(f.Name)!.GetValue(null)!;
                body.Append($"_Static_assert((long long)({ExternTypes.CNameOf(f)}) == {Convert.ToInt64(value)}LL, \"{type.Name}.{f.Name}\");\n");
                constants++;
            }
        var sb = new StringBuilder("/* Generated by BindingSignatureTests: the OvpnDco.Wdk bindings against the WDK headers. */\n");
        sb.Append("#include \"ovpn_rt.h\"\n");
        foreach (var h in HeaderOrder.Sort(types.ExternHeaders))
            sb.Append($"#include \"{h}\"\n");
        foreach (var d in types.OrderedDefinitions())
            sb.Append(d).Append('\n');
        sb.Append('\n').Append(body);
        return (sb.ToString(), imports, fields, constants);
    }

    private static string Params(IEnumerable<(CType Type, string Name)> parameters)
    {
        var list = parameters.Select(p => p.Type.Declare(p.Name)).ToList();
        return list.Count == 0 ? "void" : string.Join(", ", list);
    }

    private static string Ident(string s) => new(s.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    private static DefaultAssemblyResolver Resolver()
    {
        var r = new DefaultAssemblyResolver();
        r.AddSearchDirectory(AppContext.BaseDirectory);
        r.AddSearchDirectory(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        return r;
    }

    [Test]
    public void CoversTheBindings()
    {
        var (source, imports, fields, constants) = Generate();
        TestContext.Out.WriteLine($"bindings checked: {imports} functions, {fields} struct fields, {constants} constants");
        Assert.That(imports, Is.GreaterThan(60));
        Assert.That(fields, Is.GreaterThan(40));
        Assert.That(source, Does.Contain("(SO_WSK_EVENT_CALLBACK) == 16386LL").And.Contain("(SOCK_DGRAM) == 2LL"));
        Assert.That(source, Does.Contain("WdfRequestCompleteWithInformation(").And.Contain("BCryptEncrypt(").And.Contain("WskRegister(")
            .And.Contain("NetAdapterCreate(").And.Contain("ExAllocatePool2("));
    }

    [TestCase("x64")]
    [TestCase("x86")]
    [TestCase("arm64")]
    public void EveryBindingCompilesAgainstTheWdkHeaders(string arch)
    {
        WdkHeaders.RequireOrIgnore();
        var dir = WdkHeaders.TempDirectory("bindings-" + arch);
        File.WriteAllText(Path.Combine(dir, "bindings.c"), Generate().Source);
        var build = WdkHeaders.Compile(arch, "-Wshorten-64-to-32 bindings.c -o bindings.obj", dir);
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Stderr);
    }

    /// <summary>The check can fail: a pointer parameter of the wrong type is an error.</summary>
    [Test]
    public void AWrongBindingFailsTheCheck()
    {
        WdkHeaders.RequireOrIgnore();
        var dir = WdkHeaders.TempDirectory("bindings-wrong");
        var source = Generate().Source.Replace("ULONG *a8", "uint32_t *a8");
        Assert.That(source, Does.Contain("uint32_t *a8"), "BCryptEncrypt's pcbResult was found and changed");
        File.WriteAllText(Path.Combine(dir, "bindings.c"), source);
        var build = WdkHeaders.Compile("x64", "bindings.c -o bindings.obj", dir);
        Assert.That(build.ExitCode, Is.Not.EqualTo(0));
        Assert.That(build.Stderr, Does.Contain("incompatible"));
    }
}
