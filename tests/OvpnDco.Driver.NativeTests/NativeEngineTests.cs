using System.IO;

namespace OvpnDco.Driver.Tests;

/// <summary>This suite really drives the transpiled driver: native allocations appear and vanish with a device.</summary>
public class NativeEngineTests
{
    [Test]
    public void TheDriverUnderTestIsTheNativeLibrary()
    {
        Assert.That(DriverUnderTest.Name, Is.EqualTo("native"));
        var before = DriverUnderTest.LiveAllocations;
        using (var node = new TestNode())
        {
            Assert.That(DriverUnderTest.LiveAllocations, Is.GreaterThan(before), "the device state lives in the hosted allocator");
            Assert.That(File.Exists(Path.Combine(DriverUnderTest.Directory, "libovpndco.so")), Is.True);
        }
        Assert.That(DriverUnderTest.LiveAllocations, Is.EqualTo(before));
    }
}

/// <summary>Removes the build directory of the native library when the run ends.</summary>
[SetUpFixture]
public class NativeSuiteCleanup
{
    [OneTimeTearDown]
    public void RemoveTemporaryDirectory()
    {
        try
        {
            if (Directory.Exists(DriverUnderTest.Directory))
                Directory.Delete(DriverUnderTest.Directory, recursive: true);
        }
        catch (IOException)
        {
            // the library is still mapped; $TMPDIR is cleaned by the OS
        }
    }
}
