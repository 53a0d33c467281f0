using System;
using System.IO;
using System.Runtime.InteropServices;
using OvpnDco.TestSupport;
using OvpnDco.Uapi;

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
            Assert.That(File.Exists(Path.Combine(DriverUnderTest.Directory, HostedDriverLibrary.LibraryName(DriverUnderTest.Sanitized))), Is.True);
        }
        Assert.That(DriverUnderTest.LiveAllocations, Is.EqualTo(before));
    }
}

/// <summary>
/// The suite runs on the ASan+UBSan build in this very process: the run settings took effect, the ASan runtime is
/// loaded, the library is instrumented and linked to both runtimes, and its allocations carry poisoned redzones.
/// An out-of-bounds write through a driver entry point is shown to be reported in a child process (a report aborts).
/// </summary>
public unsafe class SanitizerBuildTests
{
    [Test]
    public void TheSuiteRunsOnTheSanitizerBuild()
    {
        Assert.That(DriverUnderTest.SanitizersRequested, Is.True,
            "OVPNDCO_NATIVE_SANITIZERS=1 comes from obj/sanitizers.runsettings (RunSettingsFilePath of this project)");
        Assert.That(HostedDriverLibrary.SanitizerRuntimeLoaded, Is.True, "__asan_init resolves in the test host (LD_PRELOAD)");
        Assert.That(DriverUnderTest.Sanitized, Is.True);
        Assert.That(File.Exists(Path.Combine(DriverUnderTest.Directory, "libovpndco-asan.so")), Is.True);
        // The library itself needs both runtimes (its own dependency scope resolves them).
        Assert.That(NativeLibrary.TryGetExport(DriverUnderTest.Handle, "__asan_init", out _), Is.True, "linked to libasan");
        Assert.That(NativeLibrary.TryGetExport(DriverUnderTest.Handle, "__ubsan_handle_add_overflow_abort", out _)
            || NativeLibrary.TryGetExport(DriverUnderTest.Handle, "__ubsan_handle_type_mismatch_v1_abort", out _), Is.True, "linked to libubsan");
    }

    [Test]
    public void AllocationsOfTheLibraryHaveRedzones()
    {
        var alloc = (delegate* unmanaged<nuint, uint, byte*>)NativeLibrary.GetExport(DriverUnderTest.Handle, "ovpn_hosted_alloc");
        var free = (delegate* unmanaged<byte*, uint, void>)NativeLibrary.GetExport(DriverUnderTest.Handle, "ovpn_hosted_free");
        var poisoned = (delegate* unmanaged<byte*, int>)NativeLibrary.GetExport(NativeLibrary.GetMainProgramHandle(), "__asan_address_is_poisoned");
        const uint tag = 0x54534554;
        byte* p = alloc(32, tag);
        try
        {
            Assert.That(poisoned(p), Is.Zero, "first byte");
            Assert.That(poisoned(p + 31), Is.Zero, "last byte");
            Assert.That(poisoned(p + 32), Is.EqualTo(1), "the byte past the block is in ASan's redzone");
        }
        finally
        {
            free(p, tag);
        }
        Assert.That(poisoned(p), Is.EqualTo(1), "freed memory is quarantined");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void AnOutOfBoundsWriteThroughAnEntryPointIsReported(bool overflow)
    {
        // A C host (built with -fsanitize=address, so the runtime comes first) loads the same libovpndco-asan.so and
        // lies about the output length of GET_VERSION on the control device: the driver zeroes and fills 12 bytes.
        var dir = Path.Combine(DriverUnderTest.Directory, "asan-probe");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "probe.c"), $$"""
            #include <dlfcn.h>
            #include <stdint.h>
            #include <stdio.h>
            #include <stdlib.h>
            int main(int argc, char **argv) {
                void *lib = dlopen(argv[1], RTLD_NOW);
                if (lib == NULL) { fprintf(stderr, "%s\n", dlerror()); return 2; }
                void *(*create)(intptr_t) = (void *(*)(intptr_t))dlsym(lib, "ovpn_dco_create");
                void (*destroy)(void *) = (void (*)(void *))dlsym(lib, "ovpn_dco_destroy");
                int32_t (*ioctl)(void *, uint32_t, uint8_t *, int32_t, uint8_t *, int32_t, int32_t *, _Bool) =
                    (int32_t (*)(void *, uint32_t, uint8_t *, int32_t, uint8_t *, int32_t, int32_t *, _Bool))dlsym(lib, "ovpn_dco_ioctl");
                void *state = create(1);
                int32_t have = atoi(argv[2]), returned = 0;
                uint8_t *output = malloc((size_t)have);
                int32_t status = ioctl(state, {{OvpnIoctl.GetVersion}}u, NULL, 0, output, 12, &returned, 1);
                printf("status %d returned %d\n", status, returned);
                free(output);
                destroy(state);
                return 0;
            }
            """);
        var lib = Path.Combine(DriverUnderTest.Directory, "libovpndco-asan.so");
        var build = NativeToolchain.Run("gcc -std=c11 -g -fsanitize=address probe.c -ldl -o probe", dir);
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Stderr);
        var run = NativeToolchain.Run($"./probe {NativeToolchain.Quote(lib)} {(overflow ? 4 : 12)}", dir);
        if (overflow)
        {
            Assert.That(run.ExitCode, Is.Not.EqualTo(0), run.Stdout);
            Assert.That(run.Stderr, Does.Contain("ERROR: AddressSanitizer: heap-buffer-overflow").And.Contain("WRITE"));
            Assert.That(run.Stderr, Does.Contain("ovpn_dco_ioctl"), "reported inside the driver's entry point");
        }
        else
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
            Assert.That(run.Stdout, Does.Contain("status 0 returned 12"), "the same call with a true length is clean");
        }
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
