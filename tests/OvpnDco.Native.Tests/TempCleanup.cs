using System.IO;

namespace OvpnDco.Native.Tests;

/// <summary>Removes the build directory of libovpndco.so when the run ends.</summary>
[SetUpFixture]
public class TempCleanup
{
    [OneTimeTearDown]
    public void RemoveTemporaryDirectory()
    {
        try
        {
            if (Directory.Exists(NativeDriver.Directory))
                Directory.Delete(NativeDriver.Directory, recursive: true);
        }
        catch (IOException)
        {
            // the library is still mapped; $TMPDIR is cleaned by the OS
        }
    }
}
