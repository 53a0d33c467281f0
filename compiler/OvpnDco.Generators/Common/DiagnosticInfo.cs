using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace OvpnDco.Generators.Common;

/// <summary>A source location without references to syntax trees (equatable, cache friendly).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.SourceTree is null)
            return null;
        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }

    public static LocationInfo? From(ISymbol symbol)
    {
        foreach (var location in symbol.Locations)
        {
            if (location.IsInSource)
                return From(location);
        }
        return null;
    }
}

/// <summary>A diagnostic to report later, as plain data.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments)
        => new(descriptor.Id, location, arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic()
    {
        var descriptor = GeneratorDiagnostics.ById(Id);
        var args = new object[Arguments.Length];
        for (int i = 0; i < args.Length; i++)
            args[i] = Arguments[i];
        return Diagnostic.Create(descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, args);
    }
}

/// <summary>Sorts declarations in source order (file path, then position), deterministically.</summary>
internal sealed record SourceOrder(string FilePath, int Position) : IComparable<SourceOrder>
{
    public int CompareTo(SourceOrder? other)
    {
        if (other is null)
            return 1;
        int c = string.CompareOrdinal(FilePath, other.FilePath);
        return c != 0 ? c : Position.CompareTo(other.Position);
    }

    public static SourceOrder From(ISymbol symbol)
    {
        foreach (var location in symbol.Locations)
        {
            if (location.IsInSource)
                return new SourceOrder(location.SourceTree!.FilePath, location.SourceSpan.Start);
        }
        return new SourceOrder(string.Empty, 0);
    }
}
