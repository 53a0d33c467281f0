using System;
using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;

namespace OvpnDco.WdkPackage.Tests;

/// <summary>
/// An MSBuild file read as XML (no MSBuild evaluation): properties, items and item-definition metadata, each with
/// the Condition of its group, so a test can ask for "the Release ClCompile options" the way msbuild would pick them.
/// </summary>
public sealed class ProjectFile
{
    public static readonly XNamespace Ns = "http://schemas.microsoft.com/developer/msbuild/2003";

    public XDocument Document { get; }

    /// <summary>The configurations a driver package is built in: Debug and Release for Win32, x64 and ARM64.</summary>
    public static readonly IReadOnlyList<string> DriverConfigurations =
        (from c in new[] { "Debug", "Release" } from p in new[] { "Win32", "x64", "ARM64" } select $"{c}|{p}").ToList();

    private ProjectFile(XDocument document) => Document = document;

    public static ProjectFile Load(string path) => new(XDocument.Load(path));

    private static string Condition(XElement e) => (string?)e.Attribute("Condition") ?? "";

    /// <summary>The value of a property set outside any condition, or under a condition containing <paramref name="when"/>.</summary>
    public string Property(string name, string? when = null)
    {
        var values = Document.Root!.Elements(Ns + "PropertyGroup")
            .Where(g => when == null ? Condition(g).Length == 0 : Condition(g).Contains(when, StringComparison.Ordinal))
            .Elements(Ns + name)
            .Where(p => when != null || Condition(p).Length == 0 || Condition(p).Contains("== ''", StringComparison.Ordinal))
            .Select(p => p.Value.Trim())
            .ToList();
        return values.Count == 1 ? values[0] : throw new InvalidOperationException($"property {name} ({when ?? "unconditional"}) is set {values.Count} times");
    }

    /// <summary>Include attributes of every item of a type.</summary>
    public IReadOnlyList<string> Items(string type) =>
        Document.Root!.Elements(Ns + "ItemGroup").Elements(Ns + type).Select(i => (string)i.Attribute("Include")!).ToList();

    /// <summary>Metadata of an ItemDefinitionGroup: unconditional, or under a condition containing <paramref name="when"/>.</summary>
    public string? Metadata(string itemType, string name, string? when = null) =>
        Document.Root!.Elements(Ns + "ItemDefinitionGroup")
            .Where(g => when == null ? Condition(g).Length == 0 : Condition(g).Contains(when, StringComparison.Ordinal))
            .Elements(Ns + itemType).Elements(Ns + name)
            .Select(m => m.Value.Trim())
            .SingleOrDefault();

    /// <summary>A ';' list, without the inherited %(...) tail.</summary>
    public static IReadOnlyList<string> List(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(v => !v.StartsWith("%(", StringComparison.Ordinal))
            .ToList();

    public IReadOnlyList<string> Imports() =>
        Document.Descendants(Ns + "Import").Select(i => (string)i.Attribute("Project")!).ToList();
}
