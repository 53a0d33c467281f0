using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Mono.Cecil;

namespace OvpnDco.Compiler.Emit;

/// <summary>
/// The C# <c>///</c> summary of a method, read from its source file (the PDB names the file and the first line of
/// the body; the declaration and its doc comment are just above). Sources that cannot be found give no summary:
/// the C is the same otherwise. Plain text: cref and code tags become their text, entities are decoded.
/// </summary>
public sealed class DocComments
{
    private readonly Dictionary<string, string[]?> _files = new(StringComparer.Ordinal);

    /// <summary>Longest summary carried over (a reader wants the gist; the C# file has the rest).</summary>
    public const int MaxLength = 320;

    public string? Summary(string url, string display, int line, MethodDefinition method)
    {
        var lines = Lines(url, display);
        if (lines == null || line < 1 || line > lines.Length)
            return null;
        var name = method.IsConstructor ? method.DeclaringType.Name.Split('`')[0]
            : Regex.Replace(method.Name, @"^(get_|set_)", "");
        name = name.Substring(name.LastIndexOf('.') + 1);
        // the declaration: the nearest line above the body's first line that names the method
        var decl = -1;
        for (var i = line - 1; i >= Math.Max(0, line - 40) && decl < 0; i--)
            if (Regex.IsMatch(lines[i], @"\b" + Regex.Escape(name) + @"\b\s*(\(|<|$|\{|=>)") && !lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal))
                decl = i;
        if (decl < 0)
            return null;
        var k = decl - 1;
        while (k >= 0 && lines[k].TrimStart().StartsWith('['))
            k--;
        var doc = new List<string>();
        for (; k >= 0 && lines[k].TrimStart().StartsWith("///", StringComparison.Ordinal); k--)
            doc.Insert(0, lines[k].TrimStart().Substring(3));
        return doc.Count == 0 ? null : Plain(string.Join("\n", doc));
    }

    /// <summary>The summary element as one line of plain ASCII text, cut after a sentence near <see cref="MaxLength"/>.</summary>
    public static string? Plain(string xml)
    {
        var m = Regex.Match(xml, @"<summary>(.*?)</summary>", RegexOptions.Singleline);
        if (!m.Success)
            return null;
        var text = m.Groups[1].Value;
        text = Regex.Replace(text, @"<(?:see|seealso)\s+(?:cref|langword|href)=""(?:[A-Z]:)?([^""]*)""\s*/>", x => Cref(x.Groups[1].Value));
        text = Regex.Replace(text, @"<(?:paramref|typeparamref)\s+name=""([^""]*)""\s*/>", "$1");
        text = Regex.Replace(text, @"<[^>]+>", " ");
        text = WebUtility.HtmlDecode(text);
        text = Ascii(Regex.Replace(text, @"\s+", " ").Trim());
        if (text.Length == 0)
            return null;
        if (text.Length > MaxLength)
        {
            var cut = text.LastIndexOf(". ", MaxLength, StringComparison.Ordinal);
            text = cut > 40 ? text.Substring(0, cut + 1) : text.Substring(0, MaxLength).TrimEnd() + "...";
        }
        return text.Replace("*/", "* /", StringComparison.Ordinal);
    }

    private static string Cref(string cref)
    {
        cref = Regex.Replace(cref, @"\{.*?\}|\(.*?\)|`\d+", "");
        var parts = cref.Split('.');
        return parts.Length >= 2 && char.IsUpper(parts[^2].FirstOrDefault()) && parts.Length > 2 ? $"{parts[^2]}.{parts[^1]}" : parts[^1];
    }

    /// <summary>Comments stay ASCII (MSVC reads sources in the code page unless told otherwise).</summary>
    private static string Ascii(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
            sb.Append(c switch
            {
                '\u2014' or '\u2013' => "-",
                '\u2026' => "...",
                '\u2192' => "->",
                '\u2190' => "<-",
                '\u2264' => "<=",
                '\u2265' => ">=",
                '\u2260' => "!=",
                '\u00d7' => "x",
                '\u2018' or '\u2019' => "'",
                '\u201c' or '\u201d' => "\"",
                '\u00a0' => " ",
                < (char)128 => c.ToString(),
                _ => "?",
            });
        return sb.ToString();
    }

    private string[]? Lines(string url, string display)
    {
        if (_files.TryGetValue(url, out var cached))
            return cached;
        string? path = File.Exists(url) ? url : null;
        if (path == null && !Path.IsPathRooted(display))
            foreach (var root in Roots())
                if (File.Exists(Path.Combine(root, display)))
                {
                    path = Path.Combine(root, display);
                    break;
                }
        var lines = path == null ? null : File.ReadAllLines(path);
        _files[url] = lines;
        return lines;
    }

    /// <summary>Where a repository-relative path (deterministic builds map the source root to /_/) may start.</summary>
    private static IEnumerable<string> Roots()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                yield return d.FullName;
    }
}
