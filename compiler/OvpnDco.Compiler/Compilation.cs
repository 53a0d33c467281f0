using System;
using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Emit;
using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;
using OvpnDco.Compiler.Plugs;

namespace OvpnDco.Compiler;

/// <summary>
/// One compilation: reachability from the roots ([Export] methods) as a worklist of method instances, each
/// lowered once; the types, statics and helpers they need are collected on the way. Output order never
/// depends on discovery order (everything is sorted by C name), so the same IL gives the same C.
/// </summary>
public sealed class Compilation
{
    private readonly Queue<MethodInstance> _worklist = new();
    private readonly Dictionary<string, string> _names = new();
    private readonly Dictionary<string, string> _nameOwners = new();
    private readonly SortedDictionary<string, FunctionText> _functions = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _imports = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _importHeaders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AssemblyDefinition> _importAssemblies = new(StringComparer.Ordinal);
    private readonly HashSet<string> _userAssemblies;

    public Compilation(ModuleDefinition module, CompilerOptions options)
    {
        Module = module;
        Options = options;
        Types = new TypeMapper();
        Statics = new StaticFields(Types);
        Plugs = new PlugRegistry();
        UserPlugs = new UserPlugs(module);
        _userAssemblies = new HashSet<string>(StringComparer.Ordinal) { module.Assembly.Name.Name };
    }

    public ModuleDefinition Module { get; }
    public CompilerOptions Options { get; }
    public TypeMapper Types { get; }
    public StaticFields Statics { get; }
    public PlugRegistry Plugs { get; }
    public UserPlugs UserPlugs { get; }

    /// <summary>A lowered function: its C name, prototype, body and where it came from.</summary>
    public sealed record FunctionText(string Name, string Prototype, string Body, string Origin, bool Exported)
    {
        /// <summary>Small helpers are 'static inline': what the JIT would inline, gcc -O2 then inlines too.</summary>
        public bool Inline { get; init; }

        /// <summary>The C# source file (as comments show it) and the method's first line; null/0 without a PDB.</summary>
        public string? SourceFile { get; init; }

        public int Line { get; init; }

        /// <summary>The declaring type's full name (places a method without lines beside its type's others).</summary>
        public string DeclaringType { get; init; } = "";

        /// <summary>The C# <c>///</c> summary as plain text, or null.</summary>
        public string? Summary { get; init; }
    }

    /// <summary>IL size up to which an internal method is emitted 'static inline'.</summary>
    public const int InlineCodeSize = 256;

    public IEnumerable<FunctionText> Functions => _functions.Values;
    public IEnumerable<string> ImportPrototypes => _imports.Values;
    public IEnumerable<string> ImportHeaders => _importHeaders;

    /// <summary>The assemblies that declare the [Import]s with a header (they may carry the header as a [CFile]).</summary>
    public IEnumerable<AssemblyDefinition> ImportAssemblies => _importAssemblies.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Value);

    /// <summary>Code the compiler translates (not the BCL): the input assembly and non-framework references.</summary>
    public bool IsUserCode(MethodDefinition m)
    {
        var asm = m.Module.Assembly.Name.Name;
        if (_userAssemblies.Contains(asm))
            return true;
        return !(asm.StartsWith("System", StringComparison.Ordinal) || asm.StartsWith("Microsoft", StringComparison.Ordinal) ||
                 asm is "mscorlib" or "netstandard");
    }

    public void AddRoot(MethodDefinition method)
    {
        SourceLocation? Where() => method.HasBody && method.Body.Instructions.Count > 0
            ? MethodLowering.LocationOf(method, method.Body.Instructions[0]) : null;
        if (method.HasGenericParameters || method.DeclaringType.HasGenericParameters)
            throw new CompileError(ErrorCodes.BadExport, $"exported method '{method.Name}' must not be generic (C has no generics: export a closed wrapper)", Where());
        if (!method.IsStatic)
            throw new CompileError(ErrorCodes.BadExport, $"exported method '{method.Name}' must be static", Where());
        try
        {
            RequireMethod(new MethodInstance(method, GenericContext.Empty, method.DeclaringType));
        }
        catch (CompileError e) when (e.Location == null && method.HasBody && method.Body.Instructions.Count > 0)
        {
            throw e.At(MethodLowering.LocationOf(method, method.Body.Instructions[0]));
        }
    }

    /// <summary>The C name of a method instance; queues it for lowering the first time it is seen.</summary>
    public string RequireMethod(MethodInstance m)
    {
        if (_names.TryGetValue(m.Key, out var known))
            return known;
        var import = Imports.Of(m.Definition);
        if (import != null)
        {
            _names[m.Key] = import;
            RegisterImport(m, import);
            return import;
        }
        if (!m.Definition.HasBody)
            throw new CompileError(ErrorCodes.UnsupportedCall,
                $"'{m.Definition.FullName}' has no body (extern without [Import], or a runtime-implemented method)");
        var name = Imports.ExportOf(m.Definition) ?? MangledName(m);
        if (_nameOwners.TryGetValue(name, out var owner) && owner != m.Key)
        {
            var n = 2;
            while (_nameOwners.ContainsKey($"{name}_{n}"))
                n++;
            name = $"{name}_{n}";
        }
        _nameOwners[name] = m.Key;
        _names[m.Key] = name;
        _worklist.Enqueue(m);
        return name;
    }

    /// <summary>A plug bound to a C function: declared like an [Import] (unless the runtime declares it).</summary>
    public string RequireCFunction(MethodInstance plug, string cName)
    {
        if (!_names.ContainsKey(plug.Key + "#c"))
        {
            _names[plug.Key + "#c"] = cName;
            RegisterImport(plug, cName);
        }
        return cName;
    }

    private void RegisterImport(MethodInstance m, string cName)
    {
        var header = Imports.HeaderOf(m.Definition);
        if (header != null)
        {
            _importHeaders.Add(header);
            _importAssemblies.TryAdd(m.Definition.Module.Assembly.FullName, m.Definition.Module.Assembly);
            return;
        }
        if (cName.StartsWith("ovpn_rt_", StringComparison.Ordinal))
            return; // declared by ovpn_rt.h
        var lowering = new MethodLowering(this, m);
        _imports[cName] = $"extern {lowering.Signature(cName)};";
    }

    private static string MangledName(MethodInstance m)
    {
        var def = m.Definition;
        var type = Names.Type(m.DeclaringType);
        var method = def.IsConstructor ? "ctor" : Names.Identifier(def.Name.Replace('.', '_'));
        var name = $"{type}_{method}";
        if (m.Context.MethodArgs.Length > 0)
            name += "_" + string.Join("_", m.Context.MethodArgs.Select(Names.Short));
        var overloads = def.DeclaringType.Methods.Count(x => x.Name == def.Name);
        if (overloads > 1)
            name += "_" + (def.Parameters.Count == 0 ? "void" : string.Join("_", def.Parameters.Select(p => Names.Short(p.ParameterType))));
        return name;
    }

    /// <summary>Lowers everything reachable from the roots.</summary>
    public void Run()
    {
        while (_worklist.Count > 0)
        {
            var m = _worklist.Dequeue();
            var name = _names[m.Key];
            MethodLowering lowering;
            string body;
            try
            {
                lowering = new MethodLowering(this, m);
                body = lowering.LowerBody();
            }
            catch (CompileError e) when (e.Location == null && m.Definition.Body.Instructions.Count > 0)
            {
                throw e.At(MethodLowering.LocationOf(m.Definition, m.Definition.Body.Instructions[0]));
            }
            var exported = Imports.ExportOf(m.Definition) != null;
            var origin = $"{m.Definition.DeclaringType.FullName}.{m.Definition.Name}" +
                         (m.Context.MethodArgs.Length + m.Context.TypeArgs.Length > 0
                             ? "<" + string.Join(", ", m.Context.TypeArgs.Concat(m.Context.MethodArgs).Select(t => t.Name)) + ">"
                             : "") +
                         (lowering.SourceLine() is { } line ? " (" + line + ")" : "");
            var inline = !exported && (m.Definition.Body.CodeSize <= InlineCodeSize ||
                                       (m.Definition.ImplAttributes & MethodImplAttributes.AggressiveInlining) != 0);
            var (file, url, firstLine) = lowering.SourceStart();
            _functions[name] = new FunctionText(name, lowering.Signature(name, annotate: true), body, origin, exported)
            {
                Inline = inline, SourceFile = file, Line = firstLine, DeclaringType = m.Definition.DeclaringType.FullName,
                Summary = url == null ? null : _docs.Summary(url, file!, firstLine, m.Definition),
            };
            _lowered[name] = m;
        }
        Shorten();
    }

    private readonly Dictionary<string, MethodInstance> _lowered = new(StringComparer.Ordinal);

    private readonly Emit.DocComments _docs = new();

    /// <summary>Prefixes of the hand-written runtime's C functions, which a generated name must not take.</summary>
    private static readonly string[] RuntimePrefixes = { "ovpn_rt_", "ovpn_host_", "ovpn_hosted_", "ovpn_km_", "ovpn_hdev_", "ovpn_dco_" };

    /// <summary>
    /// Short names for internal functions, chosen once every function is known: <c>ovpn_type_method</c> in snake
    /// case (<c>PeerTableOps.FindIndex</c> → <c>ovpn_peer_table_ops_find_index</c>); a name that two functions
    /// would share is qualified for both — by the overload's parameter types, then by the namespace and generic
    /// instantiation, finally the mangled name. Exported and imported names never change. Depends only on the set
    /// of functions, not on discovery order.
    /// </summary>
    private void Shorten()
    {
        var internals = _functions.Values.Where(f => !f.Exported).Select(f => f.Name).ToList();
        var candidates = internals.ToDictionary(n => n, n => ShortCandidates(_lowered[n]).Append(n).ToList(), StringComparer.Ordinal);
        var fixedNames = new HashSet<string>(_names.Values.Where(v => !candidates.ContainsKey(v)), StringComparer.Ordinal);
        var level = internals.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        bool changed;
        do
        {
            changed = false;
            foreach (var group in internals.GroupBy(n => candidates[n][level[n]], StringComparer.Ordinal))
            {
                var clash = group.Count() > 1 || (fixedNames.Contains(group.Key) && !candidates.ContainsKey(group.Key)) ||
                            RuntimePrefixes.Any(p => group.Key.StartsWith(p, StringComparison.Ordinal));
                foreach (var n in group)
                    if (clash && level[n] < candidates[n].Count - 1)
                    {
                        level[n]++;
                        changed = true;
                    }
            }
        } while (changed);
        var rename = internals.Where(n => candidates[n][level[n]] != n).ToDictionary(n => n, n => candidates[n][level[n]], StringComparer.Ordinal);
        if (rename.Count == 0)
            return;
        string Apply(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\b[A-Za-z_][A-Za-z0-9_]*\b",
            t => rename.TryGetValue(t.Value, out var to) ? to : t.Value);
        var all = _functions.Values.ToList();
        _functions.Clear();
        foreach (var f in all)
        {
            var name = rename.GetValueOrDefault(f.Name, f.Name);
            _functions[name] = f with { Name = name, Prototype = Apply(f.Prototype), Body = Apply(f.Body) };
        }
        foreach (var key in _names.Keys.ToList())
            if (rename.TryGetValue(_names[key], out var to))
                _names[key] = to;
    }

    private static string Snake(string name) => Names.Snake(name);

    private static IEnumerable<string> ShortCandidates(MethodInstance m)
    {
        var def = m.Definition;
        var typeName = Names.StripArity(def.DeclaringType.Name);
        if (typeName.StartsWith("Ovpn", StringComparison.Ordinal) && typeName.Length > 4 && char.IsAsciiLetterUpper(typeName[4]))
            typeName = typeName.Substring(4);
        var dot = def.Name.LastIndexOf('.');
        var method = def.IsConstructor ? "init" : Snake(def.Name.Substring(dot + 1));
        var first = $"ovpn_{Snake(typeName)}_{method}";
        yield return first;
        // Then: an explicit interface implementation by its interface (IPlatform.TransportSend → i_platform_transport_send),
        // an overload by the parameters the other overloads lack (Remove(…, out removed) → remove_removed), a generic
        // method by its type arguments. The first overload may keep the short name.
        var second = first;
        if (dot > 0)
        {
            var iface = def.Name.Substring(0, dot);
            second = $"ovpn_{Snake(typeName)}_{Snake(iface.Substring(iface.LastIndexOf('.') + 1))}_{method}";
        }
        var overloads = def.DeclaringType.Methods.Where(x => x.Name == def.Name).ToList();
        if (overloads.Count > 1)
        {
            var own = def.Parameters.Where(p => !overloads.All(o => o.Parameters.Any(q => q.Name == p.Name))).Select(p => Snake(p.Name)).ToList();
            second += own.Count > 0 ? "_" + string.Join("_", own) : "";
        }
        if (m.Context.MethodArgs.Length > 0)
            second += "_" + Snake(string.Join("_", m.Context.MethodArgs.Select(Names.Short)));
        yield return second;
        var suffix = "";
        if (m.Context.MethodArgs.Length > 0)
            suffix += "_" + Snake(string.Join("_", m.Context.MethodArgs.Select(Names.Short)));
        if (overloads.Count > 1)
            suffix += "_" + (def.Parameters.Count == 0 ? "void" : Snake(string.Join("_", def.Parameters.Select(p => Names.Short(p.ParameterType)))));
        var qualified = Names.Type(m.DeclaringType);
        if (qualified.StartsWith("OvpnDco_", StringComparison.Ordinal))
            qualified = qualified.Substring("OvpnDco_".Length);
        yield return $"ovpn_{Snake(qualified)}_{Snake(def.IsConstructor ? "ctor" : def.Name.Replace('.', '_'))}{suffix}";
    }
}
