using System;
using System.IO;
using System.Text;
using OvpnDco.Uapi.Generated;

namespace OvpnDco.Uapi.HeaderTool;

/// <summary>
/// <c>ovpn-uapi-header [--check] [repo-root]</c>: writes the generated uapi.h under the repository root (found from
/// the current directory when not given), or with <c>--check</c> only reports whether the checked-in file is stale
/// (exit 1). Writes only when the bytes differ, so an unchanged header keeps its timestamp.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        bool check = false;
        string? root = null;
        foreach (var arg in args)
        {
            if (arg == "--check")
                check = true;
            else if (arg is "-h" or "--help")
            {
                Console.WriteLine("usage: ovpn-uapi-header [--check] [repo-root]");
                return 0;
            }
            else
                root = arg;
        }

        root ??= FindRepoRoot(Directory.GetCurrentDirectory());
        if (root is null)
        {
            Console.Error.WriteLine("ovpn-uapi-header: OvpnDco.sln not found above the current directory; pass the repository root");
            return 2;
        }

        string path = Path.Combine(root, UapiHeader.RelativePath);
        byte[] wanted = new UTF8Encoding(false).GetBytes(UapiHeader.Text);
        byte[]? present = File.Exists(path) ? File.ReadAllBytes(path) : null;
        bool same = present is not null && present.AsSpan().SequenceEqual(wanted);
        if (check)
        {
            Console.WriteLine(same ? $"{UapiHeader.RelativePath} is up to date" : $"{UapiHeader.RelativePath} is stale: run ./build.sh");
            return same ? 0 : 1;
        }
        if (!same)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, wanted);
            Console.WriteLine($"ovpn-uapi-header: wrote {UapiHeader.RelativePath}");
        }
        return 0;
    }

    private static string? FindRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OvpnDco.sln")))
                return dir.FullName;
        }
        return null;
    }
}
