using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using OvpnDco.TestSupport;

namespace OvpnDco.Native.Tests;

/// <summary>
/// tests/native/stress_concurrency.c on the generated C: rx threads, tx threads (some through the batch entry points)
/// and a control thread (key installs and swaps, keepalive changes, the timer, statistics; in MP also peers and
/// iroutes created, deleted and expired) on one device at once. Built twice: ThreadSanitizer (no race report) and
/// ASan + UBSan (no use-after-free, no leak). The program itself checks that no packet is delivered twice, that every
/// counted packet is delivered once or refused as too old, that the driver's counter matches, and that no two tx
/// packets of a key share a packet id (nonce).
/// </summary>
public class ConcurrencyStressTests
{
    private static readonly Dictionary<string, string> Built = new();

    private static string Build(string sanitizer, string name)
    {
        lock (Built)
        {
            if (Built.TryGetValue(sanitizer, out var done))
                return done;
        }
        var dir = Path.Combine(NativeDriver.Directory, "stress");
        Directory.CreateDirectory(dir);
        var source = Path.Combine(NativeToolchain.RepoRoot, "tests", "native", "stress_concurrency.c");
        var build = NativeToolchain.Run(
            $"{NativeToolchain.Clang} -std=c11 -O1 -g -fsanitize={sanitizer} -fno-sanitize-recover=all -Wall -Wextra -Werror " +
            $"-I {NativeToolchain.Quote(NativeToolchain.Include)} -I {NativeToolchain.Quote(NativeDriver.GeneratedC)} " +
            $"{NativeToolchain.Quote(source)} {NativeToolchain.Quote(NativeDriver.GeneratedC)}/*.c {NativeToolchain.HostedSources} " +
            $"-lcrypto -lpthread -o {name}", dir, 300_000);
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Stderr);
        lock (Built)
            Built[sanitizer] = Path.Combine(dir, name);
        return Path.Combine(dir, name);
    }

    [TestCase("thread", "p2p")]
    [TestCase("thread", "mp")]
    [TestCase("address,undefined", "p2p")]
    [TestCase("address,undefined", "mp")]
    public void RxTxAndControlAtOnceRaceFreeAndExact(string sanitizer, string mode)
    {
        string exe = Build(sanitizer, "stress_" + sanitizer.Split(',')[0]);
        // 3 rx and 3 tx threads plus the control thread on this 2-core machine: the threads preempt each other
        // inside every section, which is what the sanitizers need to see.
        var run = NativeToolchain.Run($"TSAN_OPTIONS=halt_on_error=1 {NativeToolchain.Quote(exe)} {mode} 3000 3 3", null, 180_000);
        Assert.That(run.Stderr, Does.Not.Contain("ThreadSanitizer").And.Not.Contain("AddressSanitizer").And.Not.Contain("runtime error"), run.Stderr);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stdout + run.Stderr);
        var m = Regex.Match(run.Stdout, $@"^{mode} delivered=(\d+) too_old=(\d+) refused=(\d+) tx=(\d+) control_ops=(\d+) live_allocations=0$", RegexOptions.Multiline);
        Assert.That(m.Success, Is.True, run.Stdout);
        Assert.That(long.Parse(m.Groups[1].Value) + long.Parse(m.Groups[2].Value), Is.EqualTo(40000), "each counted packet delivered once or refused as too old");
        Assert.That(long.Parse(m.Groups[3].Value), Is.GreaterThanOrEqualTo(40000), "every second copy and every replay refused");
        Assert.That(long.Parse(m.Groups[4].Value), Is.GreaterThan(0), "tx ran");
        Assert.That(long.Parse(m.Groups[5].Value), Is.GreaterThanOrEqualTo(20), "the control thread ran alongside");
    }
}
