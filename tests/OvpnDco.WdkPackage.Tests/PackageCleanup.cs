using System;
using System.IO;

namespace OvpnDco.WdkPackage.Tests;

/// <summary>Removes the package Package.Built assembled for this test run.</summary>
[SetUpFixture]
public class PackageCleanup
{
    [OneTimeTearDown]
    public void RemoveBuiltPackage()
    {
        var root = Path.Combine(Path.GetTempPath(), $"ovpndco-wdk-package-{Environment.ProcessId}");
        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);
    }
}
