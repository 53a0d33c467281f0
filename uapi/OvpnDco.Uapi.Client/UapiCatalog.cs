using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi.Client;

/// <summary>One IOCTL of the ABI, as declared by <see cref="UapiIoctlAttribute"/> on <see cref="OvpnIoctl"/>.</summary>
public sealed record IoctlInfo(string Name, string CName, int Function, uint Code, Type? Input, Type? Output, IoctlModes Modes,
    bool Unconfirmed)
{
    /// <summary>The minimum input length (the input struct's size), 0 without input.</summary>
    public int MinInput => SizeOf(Input);

    /// <summary>The minimum output length (the output struct's size), 0 without output.</summary>
    public int MinOutput => SizeOf(Output);

    private static int SizeOf(Type? type)
    {
        if (type is null)
            return 0;
        var method = typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type);
        return (int)method.Invoke(null, null)!;
    }
}

/// <summary>The IOCTL table of the ABI, read from the attributes on <see cref="OvpnIoctl"/> (the single source of truth).</summary>
public static class UapiCatalog
{
    private static readonly Lazy<IReadOnlyList<IoctlInfo>> AllIoctls = new(Load);
    private static readonly Lazy<Dictionary<uint, IoctlInfo>> ByCode = new(() => AllIoctls.Value.ToDictionary(i => i.Code));

    /// <summary>Every IOCTL, by function number.</summary>
    public static IReadOnlyList<IoctlInfo> Ioctls => AllIoctls.Value;

    /// <summary>The IOCTL with <paramref name="code"/>, or null.</summary>
    public static IoctlInfo? Find(uint code) => ByCode.Value.TryGetValue(code, out var info) ? info : null;

    private static IReadOnlyList<IoctlInfo> Load()
    {
        var list = new List<IoctlInfo>();
        foreach (var field in typeof(OvpnIoctl).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var attribute = field.GetCustomAttribute<UapiIoctlAttribute>();
            if (attribute is null)
                continue;
            list.Add(new IoctlInfo(field.Name, attribute.CName, attribute.Function, (uint)field.GetRawConstantValue()!,
                attribute.Input, attribute.Output, attribute.Modes, attribute.Unconfirmed));
        }
        return list.OrderBy(i => i.Function).ToArray();
    }
}
