using System.IO;

namespace OvpnDco.TestSupport;

/// <summary>
/// The known-answer vectors: <c>../shared/vectors</c> beside the repository (as CI lays it out), else the copy in
/// <c>tests/vectors</c>.
/// </summary>
public static class SharedVectors
{
    public static string? SharedPath(string name)
    {
        var path = Path.GetFullPath(Path.Combine(NativeToolchain.RepoRoot, "..", "shared", "vectors", name));
        return File.Exists(path) ? path : null;
    }

    public static string CopyPath(string name) => Path.Combine(NativeToolchain.RepoRoot, "tests", "vectors", name);

    public static string Locate(string name) => SharedPath(name) ?? CopyPath(name);
}
