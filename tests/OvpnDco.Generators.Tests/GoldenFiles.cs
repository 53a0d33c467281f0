using System.IO;

namespace OvpnDco.Generators.Tests;

/// <summary>The expected outputs for <see cref="Samples"/>, in Golden/ (reviewed by hand; update them with the generator).</summary>
internal static class GoldenFiles
{
    public static string Read(string name)
        => File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Golden", name)).Replace("\r\n", "\n");
}
