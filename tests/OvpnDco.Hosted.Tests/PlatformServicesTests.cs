using System;
using System.IO;
using System.Runtime.InteropServices;
using OvpnDco.TestSupport;

namespace OvpnDco.Hosted.Tests;

/// <summary>Allocator accounting, locks, clock, timers and trace of the hosted backend.</summary>
public unsafe class PlatformServicesTests
{
    [Test]
    public void AllocationsAreZeroedAndCountedPerTag()
    {
        const uint tagA = 0x41414141, tagB = 0x42424242;
        var a = HostedLibrary.Alloc(100, tagA);
        var b = HostedLibrary.Alloc(28, tagA);
        var c = HostedLibrary.Alloc(7, tagB);
        Assert.That(a, Is.Not.EqualTo((nint)0));
        Assert.That(new ReadOnlySpan<byte>((void*)a, 100).IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "zero-filled");
        Assert.That((long)a % 16, Is.EqualTo(0), "16-byte aligned");
        Assert.That(HostedLibrary.Live(tagA), Is.EqualTo(2));
        Assert.That(HostedLibrary.LiveBytes(tagA), Is.EqualTo(128));
        Assert.That(HostedLibrary.Live(tagB), Is.EqualTo(1));
        HostedLibrary.Free(a, tagA);
        HostedLibrary.Free(b, tagA);
        HostedLibrary.Free(c, tagB);
        Assert.That(HostedLibrary.Live(tagA), Is.EqualTo(0));
        Assert.That(HostedLibrary.LiveBytes(tagB), Is.EqualTo(0));
    }

    [Test]
    public void TagZeroIsRefused() => Assert.That(HostedLibrary.Alloc(8, 0), Is.EqualTo((nint)0));

    [UnmanagedCallersOnly]
    private static long FixedClock() => 123456;

    [Test]
    public void TheClockIsMonotonicAndCanBeVirtual()
    {
        var t0 = HostedLibrary.NowMs();
        var t1 = HostedLibrary.NowMs();
        Assert.That(t1, Is.GreaterThanOrEqualTo(t0));
        HostedLibrary.SetClock(&FixedClock);
        try
        {
            Assert.That(HostedLibrary.NowMs(), Is.EqualTo(123456));
        }
        finally
        {
            HostedLibrary.SetClock(null);
        }
        Assert.That(HostedLibrary.NowMs(), Is.GreaterThanOrEqualTo(t1));
    }

    /// <summary>C programs that exercise threads, timers, fail-fast and leaks under ASan+UBSan (gcc), run as processes.</summary>
    private static NativeToolchain.Result RunC(string name, string source, string args = "")
    {
        var dir = Path.Combine(HostedLibrary.Directory, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "main.c"), source);
        var build = NativeToolchain.Run(
            $"gcc -std=c11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all " +
            $"-I {NativeToolchain.Quote(NativeToolchain.Include)} main.c {NativeToolchain.HostedSources} -lcrypto -lpthread -o prog", dir);
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Stderr);
        return NativeToolchain.Run($"./prog {args}", dir, 30_000);
    }

    private const string Prelude = "#define _POSIX_C_SOURCE 200809L\n#include \"ovpn_hosted.h\"\n#include \"ovpn_rt.h\"\n#include <pthread.h>\n#include <stdio.h>\n#include <string.h>\n#include <time.h>\n";

    [Test]
    public void SpinLocksSerialiseThreads()
    {
        var result = RunC("locks", Prelude + """
            static intptr_t lock;
            static long counter;
            static void *worker(void *arg) {
                (void)arg;
                for (int i = 0; i < 100000; i++) { uint8_t prev = ovpn_hosted_lock_acquire(lock); counter++; ovpn_hosted_lock_release(lock, prev); }
                return NULL;
            }
            int main(void) {
                pthread_t t[4];
                if (ovpn_hosted_lock_init(&lock) != 0) return 2;
                for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, NULL);
                for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
                ovpn_hosted_lock_destroy(&lock);
                printf("%ld %ld\n", counter, (long)lock);
                return 0;
            }
            """);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
        Assert.That(result.Stdout.Trim(), Is.EqualTo("400000 0"));
    }

    [Test]
    public void TimersFireOnceCanBeCancelledAndRearmed()
    {
        // No fixed sleeps: the callbacks signal a condition variable and main waits for the firing it expects with a
        // generous timeout (10 s, for ASan on a loaded machine). A cancelled timer is shown not to fire by a witness
        // timer armed for a later time on the same clock; a replaced due time by firing long before the first one.
        var result = RunC("timers", Prelude + """
            static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
            static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
            static int fired[2];
            static int64_t fired_at[2];
            static void on_timer(intptr_t which) {
                pthread_mutex_lock(&mu);
                fired[which]++;
                fired_at[which] = ovpn_hosted_now_ms();
                pthread_cond_broadcast(&cv);
                pthread_mutex_unlock(&mu);
            }
            /* Waits until timer `which` has fired `count` times or 10 s passed; returns its count. */
            static int wait_fired(int which, int count) {
                struct timespec until;
                clock_gettime(CLOCK_REALTIME, &until);
                until.tv_sec += 10;
                pthread_mutex_lock(&mu);
                while (fired[which] < count && pthread_cond_timedwait(&cv, &mu, &until) == 0) { }
                int n = fired[which];
                pthread_mutex_unlock(&mu);
                return n;
            }
            static int count_of(int which) { pthread_mutex_lock(&mu); int n = fired[which]; pthread_mutex_unlock(&mu); return n; }
            int main(void) {
                intptr_t t, witness;
                if (ovpn_hosted_timer_create(on_timer, 0, &t) != 0 || ovpn_hosted_timer_create(on_timer, 1, &witness) != 0) return 2;
                int64_t armed = ovpn_hosted_now_ms();
                ovpn_hosted_timer_arm(t, armed + 30);
                int first = wait_fired(0, 1);
                int on_time = fired_at[0] >= armed + 30;                  /* never before the due time */

                armed = ovpn_hosted_now_ms();
                ovpn_hosted_timer_arm(t, armed + 20);
                ovpn_hosted_timer_cancel(t);
                ovpn_hosted_timer_arm(witness, armed + 200);              /* due well after the cancelled time */
                int witnessed = wait_fired(1, 1);
                int after_cancel = count_of(0);

                armed = ovpn_hosted_now_ms();
                ovpn_hosted_timer_arm(t, armed + 60000);
                ovpn_hosted_timer_arm(t, armed + 20);                     /* re-arming replaces the due time */
                int second = wait_fired(0, 2);
                int replaced = second == 2 && fired_at[0] >= armed + 20 && fired_at[0] < armed + 60000;

                ovpn_hosted_timer_destroy(&t);
                ovpn_hosted_timer_destroy(&witness);
                printf("%d %d %d %d %d %d %d\n", first, on_time, witnessed, after_cancel, second, replaced, count_of(0));
                return 0;
            }
            """);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
        // first firing, on time, witness fired, still one firing after the cancel, second firing, at the replaced time, no extra
        Assert.That(result.Stdout.Trim(), Is.EqualTo("1 1 1 1 2 1 2"));
    }

    [TestCase("wrong-tag", "free with a different pool tag than the allocation")]
    [TestCase("double-free", "free of memory that is not from ovpn_hosted_alloc (or freed twice)")]
    public void MisuseOfTheAllocatorFailsFast(string mode, string message)
    {
        var result = RunC("alloc-misuse", Prelude + """
            int main(int argc, char **argv) {
                void *p = ovpn_hosted_alloc(32, 0x54534554u);
                if (argc > 1 && strcmp(argv[1], "wrong-tag") == 0) ovpn_hosted_free(p, 0x11111111u);
                /* a double free reads the header of a live block we keep from the allocator's own memory */
                void *q = ovpn_hosted_alloc(32, 0x54534554u);
                unsigned char copy[48];
                memcpy(copy, (unsigned char *)q - 16, sizeof copy);
                ovpn_hosted_free(q, 0x54534554u);
                memcpy(copy + 12, "\0\0\0\0", 4);
                ovpn_hosted_free(copy + 16, 0x54534554u);
                return 0;
            }
            """, mode);
        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Stderr, Does.Contain("ovpn-rt: fail-fast: " + message));
    }

    [Test]
    public void LeaksAreReportedThroughTheTraceSink()
    {
        var result = RunC("leaks", Prelude + """
            int main(void) {
                void *kept = ovpn_hosted_alloc(10, 0x4B41454Cu);
                void *freed = ovpn_hosted_alloc(10, 0x4B41454Cu);
                ovpn_hosted_free(freed, 0x4B41454Cu);
                long long leaks = (long long)ovpn_hosted_mem_report();
                printf("%lld\n", leaks);
                ovpn_hosted_free(kept, 0x4B41454Cu);
                printf("%lld\n", (long long)ovpn_hosted_mem_report());
                return 0;
            }
            """);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
        Assert.That(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "1", "0" }));
        Assert.That(result.Stderr, Does.Contain("ovpn-dco error: memory leak: tag, live allocations (1262568780, 1)"));
    }

    [Test]
    public void TraceWritesLevelsUpToTheConfiguredOneToAFile()
    {
        var path = Path.Combine(HostedLibrary.Directory, "trace.log");
        File.Delete(path);
        var result = RunC("trace", Prelude + $$"""
            int main(void) {
                if (ovpn_hosted_trace_open("{{path}}", OVPN_HOSTED_TRACE_WARNING) != 0) return 2;
                ovpn_hosted_trace(OVPN_HOSTED_TRACE_ERROR, "bad thing", 1, 2);
                ovpn_hosted_trace(OVPN_HOSTED_TRACE_WARNING, "odd thing", 3, -4);
                ovpn_hosted_trace(OVPN_HOSTED_TRACE_INFO, "normal thing", 5, 6);
                ovpn_hosted_trace(OVPN_HOSTED_TRACE_VERBOSE, "chatter", 7, 8);
                printf("%lld\n", (long long)ovpn_hosted_trace_count());
                return ovpn_hosted_trace_open("/nonexistent-dir/x.log", 5) == 0;
            }
            """);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
        Assert.That(result.Stdout.Trim(), Is.EqualTo("2"));
        Assert.That(File.ReadAllLines(path), Is.EqualTo(new[] { "ovpn-dco error: bad thing (1, 2)", "ovpn-dco warning: odd thing (3, -4)" }));
    }
}
