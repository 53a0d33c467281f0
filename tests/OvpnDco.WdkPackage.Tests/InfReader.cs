using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace OvpnDco.WdkPackage.Tests;

/// <summary>One line of an INF section: an optional key (left of '=') and its comma-separated fields.</summary>
public sealed record InfLine(string? Key, IReadOnlyList<string> Fields)
{
    public string Value => string.Join(",", Fields);
}

/// <summary>
/// A small reader of the INF syntax SetupAPI accepts, enough to check what Windows will do with ovpn-dco.inf:
/// [sections] (names case-insensitive), `key = value` and key-less lines (CopyFiles lists, AddReg lines), ';' comments
/// outside quotes, '\' line continuation, "quoted" fields (commas and semicolons inside stay), and %strkey%
/// substitution from [Strings] ('%%' is a percent sign; a numeric %13% is a directory id and stays). A %key% that
/// [Strings] does not define is an error, as it is for SetupAPI.
/// </summary>
public sealed class InfReader
{
    private readonly Dictionary<string, List<InfLine>> _sections = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _strings = new(StringComparer.OrdinalIgnoreCase);

    private InfReader() { }

    public IEnumerable<string> SectionNames => _sections.Keys;

    public static InfReader Parse(string text)
    {
        var reader = new InfReader();
        var raw = new List<(string Section, string Line)>();
        string? section = null;
        foreach (var line in LogicalLines(text))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0)
                continue;
            if (trimmed.StartsWith('['))
            {
                var end = trimmed.IndexOf(']');
                if (end < 0)
                    throw new FormatException($"section header without ']': {trimmed}");
                section = trimmed.Substring(1, end - 1).Trim();
                if (!reader._sections.ContainsKey(section))
                    reader._sections[section] = new List<InfLine>();
                continue;
            }
            if (section == null)
                throw new FormatException($"a line before the first section: {trimmed}");
            raw.Add((section, trimmed));
        }
        // [Strings] first: any line may use a %strkey% defined further down.
        foreach (var (s, line) in raw.Where(r => r.Section.Equals("Strings", StringComparison.OrdinalIgnoreCase)))
        {
            var (key, fields) = Split(line);
            if (key == null || fields.Count != 1)
                throw new FormatException($"[Strings] line is not key = \"value\": {line}");
            reader._strings[key] = fields[0];
        }
        foreach (var (s, line) in raw)
        {
            var (key, fields) = Split(line);
            reader._sections[s].Add(new InfLine(key == null ? null : reader.Substitute(key), fields.Select(reader.Substitute).ToList()));
        }
        return reader;
    }

    public bool HasSection(string name) => _sections.ContainsKey(name);

    public IReadOnlyList<InfLine> Section(string name) =>
        _sections.TryGetValue(name, out var lines) ? lines : throw new KeyNotFoundException($"no [{name}] section");

    /// <summary>The fields of the one `key = ...` line of a section (keys case-insensitive).</summary>
    public IReadOnlyList<string> Fields(string section, string key)
    {
        var matches = Section(section).Where(l => string.Equals(l.Key, key, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0].Fields,
            0 => throw new KeyNotFoundException($"[{section}] has no {key}"),
            _ => throw new FormatException($"[{section}] sets {key} {matches.Count} times"),
        };
    }

    public string Value(string section, string key) => string.Join(",", Fields(section, key));

    /// <summary>An INF number: decimal, or hexadecimal with 0x.</summary>
    public long Number(string section, string key)
    {
        var text = Value(section, key).Trim();
        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    /// <summary>What stampinf does to the tokens it owns: $ARCH$ and $KMDFVERSION$ (the text, before parsing).</summary>
    public static string Stamp(string text, string arch, string kmdfVersion) =>
        text.Replace("$ARCH$", arch, StringComparison.Ordinal).Replace("$KMDFVERSION$", kmdfVersion, StringComparison.Ordinal);

    private string Substitute(string field)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] != '%')
            {
                sb.Append(field[i]);
                continue;
            }
            var end = field.IndexOf('%', i + 1);
            if (end < 0)
                throw new FormatException($"unterminated %strkey% in '{field}'");
            var key = field.Substring(i + 1, end - i - 1);
            if (key.Length == 0)
                sb.Append('%');
            else if (_strings.TryGetValue(key, out var value))
                sb.Append(value);
            else if (key.All(char.IsAsciiDigit))
                sb.Append('%').Append(key).Append('%');
            else
                throw new FormatException($"%{key}% is not defined in [Strings]");
            i = end;
        }
        return sb.ToString();
    }

    /// <summary>Physical lines joined at a trailing '\' (outside quotes), comments removed.</summary>
    private static IEnumerable<string> LogicalLines(string text)
    {
        var pending = new StringBuilder();
        foreach (var physical in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = StripComment(physical).TrimEnd();
            if (line.EndsWith('\\'))
            {
                pending.Append(line, 0, line.Length - 1);
                continue;
            }
            pending.Append(line);
            yield return pending.ToString();
            pending.Clear();
        }
        if (pending.Length > 0)
            yield return pending.ToString();
    }

    private static string StripComment(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
                quoted = !quoted;
            else if (line[i] == ';' && !quoted)
                return line.Substring(0, i);
        }
        return line;
    }

    /// <summary>`key = a, "b, c", d` → (key, [a, "b, c" unquoted, d]); a line without '=' outside quotes has no key.</summary>
    private static (string? Key, List<string> Fields) Split(string line)
    {
        string? key = null;
        var rest = line;
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
                quoted = !quoted;
            else if (line[i] == '=' && !quoted)
            {
                key = line.Substring(0, i).Trim();
                rest = line.Substring(i + 1);
                break;
            }
        }
        var fields = new List<string>();
        var current = new StringBuilder();
        quoted = false;
        for (var i = 0; i < rest.Length; i++)
        {
            var c = rest[i];
            if (c == '"')
            {
                // "" inside quotes is a literal quote
                if (quoted && i + 1 < rest.Length && rest[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                    quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(current.ToString().Trim());
                current.Clear();
            }
            else
                current.Append(c);
        }
        if (quoted)
            throw new FormatException($"unterminated quote: {line}");
        fields.Add(current.ToString().Trim());
        return (key, fields);
    }
}
