using System;

namespace OvpnDco.Compiler.Diagnostics;

/// <summary>
/// A construct the compiler refuses. Carries where it was found so the message reads like a C# compiler's:
/// <c>driver/Peer.cs(42): error IL2C0007: boxing of 'Peer' is not supported in kernel code [Ns.Peer::Foo IL_0012]</c>.
/// </summary>
public sealed class CompileError : Exception
{
    public CompileError(string code, string message, SourceLocation? location = null)
        : base(message)
    {
        Code = code;
        Location = location;
    }

    public string Code { get; }

    public SourceLocation? Location { get; private set; }

    /// <summary>Adds the location when the error was raised below the method that knows it.</summary>
    public CompileError At(SourceLocation location)
    {
        Location ??= location;
        return this;
    }

    public override string ToString() => Format() + "\n" + StackTrace;

    public string Format()
    {
        var where = Location?.File is { } file ? $"{file}({Location.Line}): " : "";
        var inMethod = Location?.Method is { } m ? $" [{m} IL_{Location.IlOffset:x4}]" : "";
        return $"{where}error {Code}: {Message}{inMethod}";
    }
}

/// <summary>A method, an IL offset and (when a PDB is there) the C# file and line.</summary>
public sealed record SourceLocation(string? Method, int IlOffset, string? File, int Line);
