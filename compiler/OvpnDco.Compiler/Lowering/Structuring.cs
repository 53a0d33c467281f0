using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace OvpnDco.Compiler.Lowering;

/// <summary>
/// A readability pass over a lowered body: a forward branch around straight-line code,
/// <c>if (c) goto L; stmts; L:</c>, becomes <c>if (!c) { stmts }</c> when nothing else jumps to L and no label
/// sits inside; and the loop shape Roslyn emits, <c>goto C; B: stmts; C: if (c) goto B;</c>, becomes
/// <c>while (c) { stmts }</c>. Repeated until nothing changes, so guards and loops nest. Shared labels stay gotos.
/// </summary>
internal static class Structuring
{
    private static readonly Regex Branch = new(@"^    if \((?<cond>.*)\) goto (?<label>IL_[0-9a-f]{4,});$", RegexOptions.Compiled);
    private static readonly Regex Jump = new(@"^    goto (?<label>IL_[0-9a-f]{4,});$", RegexOptions.Compiled);
    private static readonly Regex Label = new(@"^(IL_[0-9a-f]{4,}|leave\d+):$", RegexOptions.Compiled);

    public static string Apply(string body, IReadOnlyDictionary<string, string> negations)
    {
        var lines = body.Split('\n').ToList();
        bool changed;
        do
        {
            changed = false;
            for (var i = 0; i < lines.Count && !changed; i++)
                changed = TryLoop(lines, i);
            for (var i = 0; i < lines.Count && !changed; i++)
                changed = TryElse(lines, i);
            for (var i = 0; i < lines.Count && !changed; i++)
            {
                var m = Branch.Match(lines[i]);
                if (!m.Success || !negations.TryGetValue(lines[i], out var negated))
                    continue;
                var label = m.Groups["label"].Value;
                var end = lines.FindIndex(i + 1, l => l == label + ":");
                if (end < 0 || References(lines, label) != 1)
                    continue;
                if (lines.Skip(i + 1).Take(end - i - 1).Any(l => Label.IsMatch(l)))
                    continue;
                var inner = lines.GetRange(i + 1, end - i - 1).Select(l => l.Length == 0 ? l : "    " + l).ToList();
                var replacement = inner.Count == 0
                    ? new List<string>()
                    : new List<string> { $"    if ({negated}) {{" }.Concat(inner).Append("    }").ToList();
                lines.RemoveRange(i, end - i + 1);
                lines.InsertRange(i, replacement);
                changed = true;
            }
        } while (changed);
        return string.Join('\n', lines);
    }

    /// <summary><c>goto C; B: body; C: if (c) goto B;</c> → <c>while (c) { body }</c>.</summary>
    private static bool TryLoop(List<string> lines, int i)
    {
        var jump = Jump.Match(lines[i]);
        if (!jump.Success || i + 1 >= lines.Count)
            return false;
        var condLabel = jump.Groups["label"].Value;
        var bodyLabel = lines[i + 1].TrimEnd(':');
        if (!lines[i + 1].EndsWith(':') || !Label.IsMatch(lines[i + 1]))
            return false;
        var end = lines.FindIndex(i + 2, l => l == condLabel + ":");
        if (end < 0 || end + 1 >= lines.Count)
            return false;
        var test = Branch.Match(lines[end + 1]);
        if (!test.Success || test.Groups["label"].Value != bodyLabel)
            return false;
        if (References(lines, condLabel) != 1 || References(lines, bodyLabel) != 1)
            return false;
        if (lines.Skip(i + 2).Take(end - i - 2).Any(l => Label.IsMatch(l)))
            return false;
        var body = lines.GetRange(i + 2, end - i - 2).Select(l => l.Length == 0 ? l : "    " + l).ToList();
        var replacement = new List<string> { $"    while ({test.Groups["cond"].Value}) {{" }.Concat(body).Append("    }").ToList();
        lines.RemoveRange(i, end - i + 2);
        lines.InsertRange(i, replacement);
        return true;
    }

    /// <summary><c>if (c) { a; goto L; } b; L:</c> at the top level → <c>if (c) { a; } else { b; }</c>.</summary>
    private static bool TryElse(List<string> lines, int k)
    {
        var jump = lines[k].StartsWith("        goto ", System.StringComparison.Ordinal) ? Jump.Match(lines[k].Substring(4)) : Match.Empty;
        if (!jump.Success || k + 1 >= lines.Count || lines[k + 1] != "    }")
            return false;
        var opener = k - 1;
        while (opener >= 0 && lines[opener].StartsWith("        ", System.StringComparison.Ordinal))
            opener--;
        if (opener < 0 || !(lines[opener].StartsWith("    if (", System.StringComparison.Ordinal) || lines[opener] == "    } else {") ||
            !lines[opener].EndsWith(" {", System.StringComparison.Ordinal))
            return false;
        var label = jump.Groups["label"].Value;
        var end = lines.FindIndex(k + 2, l => l == label + ":");
        if (end < 0 || References(lines, label) != 1 || lines.Skip(k + 2).Take(end - k - 2).Any(l => Label.IsMatch(l)))
            return false;
        var elseBody = lines.GetRange(k + 2, end - k - 2).Select(l => l.Length == 0 ? l : "    " + l).ToList();
        var replacement = new List<string> { "    } else {" }.Concat(elseBody).Append("    }").ToList();
        lines.RemoveRange(k, end - k + 1);
        lines.InsertRange(k, replacement);
        return true;
    }

    private static int References(List<string> lines, string label) =>
        lines.Sum(l => Regex.Matches(l, @"\b" + label + @"\b(?!:)").Count);
}
