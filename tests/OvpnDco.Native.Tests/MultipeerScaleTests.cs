using System.IO;
using OvpnDco.TestSupport;

namespace OvpnDco.Native.Tests;

/// <summary>
/// tests/native/mp_peers_lsan.c on the generated C under ASan + LeakSanitizer: 10 000 multipeer peers created with
/// keys, each reached by a packet, deleted; nothing may leak (hosted allocator count and LSan at exit).
/// </summary>
public class MultipeerScaleTests
{
    [Test]
    public void TenThousandPeersCreatedUsedAndDeletedLeakNothing()
    {
        var dir = Path.Combine(NativeDriver.Directory, "mp-lsan");
        Directory.CreateDirectory(dir);
        var source = Path.Combine(NativeToolchain.RepoRoot, "tests", "native", "mp_peers_lsan.c");
        var build = NativeToolchain.Run(
            $"gcc -std=c11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra -Werror " +
            $"-I {NativeToolchain.Quote(NativeToolchain.Include)} -I {NativeToolchain.Quote(NativeDriver.GeneratedC)} " +
            $"{NativeToolchain.Quote(source)} {NativeToolchain.Quote(NativeDriver.GeneratedC)}/*.c {NativeToolchain.HostedSources} " +
            "-lcrypto -lpthread -o mp_peers", dir);
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Stderr);
        var run = NativeToolchain.Run("./mp_peers 10000", dir, 120_000);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        Assert.That(run.Stdout.Trim(), Is.EqualTo("10000 1 0"), "created, traffic sent, live allocations after destroy");
        Assert.That(run.Stderr, Does.Not.Contain("LeakSanitizer"));
    }
}
