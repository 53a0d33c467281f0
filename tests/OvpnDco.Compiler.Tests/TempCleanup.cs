using System;
using System.IO;

namespace OvpnDco.Compiler.Tests;

/// <summary>Every test here works under $TMPDIR/ovpndco-*-&lt;pid&gt;; this removes them when the run ends.</summary>
[SetUpFixture]
public class TempCleanup
{
    [OneTimeTearDown]
    public void RemoveTemporaryDirectories()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), $"ovpndco-*-{Environment.ProcessId}"))
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // a child process may still hold a file; the OS cleans $TMPDIR eventually
            }
        }
    }
}
