using System.IO;

namespace OvpnDco.Hosted.Tests;

/// <summary>Removes the build directory of the hosted library when the run ends.</summary>
[SetUpFixture]
public class TempCleanup
{
    [OneTimeTearDown]
    public void RemoveTemporaryDirectory()
    {
        try
        {
            if (Directory.Exists(HostedLibrary.Directory))
                Directory.Delete(HostedLibrary.Directory, recursive: true);
        }
        catch (IOException)
        {
            // the loaded library may still be mapped; $TMPDIR is cleaned by the OS
        }
    }
}
