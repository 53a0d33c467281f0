using System;

namespace Corpus;

/// <summary>One differential case: the arguments (converted unchecked to the parameter types).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class CaseAttribute : Attribute
{
    public CaseAttribute(params long[] args) => Args = args;
    public long[] Args { get; }
}

/// <summary>A case where C# throws and the generated C must fail fast with this message.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class FailsAttribute : Attribute
{
    public FailsAttribute(string message, params long[] args)
    {
        Message = message;
        Args = args;
    }
    public string Message { get; }
    public long[] Args { get; }
}
