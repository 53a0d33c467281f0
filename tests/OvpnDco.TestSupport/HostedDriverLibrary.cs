using System;
using System.IO;
using System.Runtime.InteropServices;
using OvpnDco.Compiler;

namespace OvpnDco.TestSupport;

/// <summary>
/// libovpndco.so built the way ./build.sh builds it: driver/OvpnDco.Driver.Hosted (copied beside the test assembly)
/// transpiled by ovpn-il2c, compiled with gcc -O2 -Werror together with the hosted runtime and OpenSSL, then loaded.
/// </summary>
public static class HostedDriverLibrary
{
    /// <summary>The compiler flags of the sanitizer build (as scripts/transpile-hosted.sh builds libovpndco-asan.so), plus
    /// no recovery: any UBSan report aborts like an ASan one.</summary>
    public const string SanitizerFlags = "-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer";

    /// <summary>
    /// Builds into <paramref name="directory"/> (generated C in <c>c/</c>) and loads the library: libovpndco.so (gcc -O2),
    /// or with <paramref name="sanitized"/> libovpndco-asan.so (ASan+UBSan), which only loads into a process that has the
    /// ASan runtime first (LD_PRELOAD, see <see cref="SanitizerRuntimeLoaded"/>).
    /// </summary>
    public static nint BuildAndLoad(string directory, bool sanitized = false)
    {
        Directory.CreateDirectory(directory);
        var output = IlToC.Compile(Path.Combine(AppContext.BaseDirectory, "OvpnDco.Driver.Hosted.dll"),
            new CompilerOptions { Target = Target.Hosted, ModuleName = "ovpndco" });
        IlToC.WriteOutput(output, Path.Combine(directory, "c"));
        var lib = Path.Combine(directory, LibraryName(sanitized));
        var build = NativeToolchain.Run(
            $"gcc -std=c11 {(sanitized ? SanitizerFlags : "-O2")} -Wall -Wextra -Werror -shared -fPIC -I {NativeToolchain.Quote(NativeToolchain.Include)} -I c c/*.c " +
            $"{NativeToolchain.HostedSources} -lcrypto -lpthread -o {NativeToolchain.Quote(lib)}", directory);
        if (build.ExitCode != 0)
            throw new InvalidOperationException($"{LibraryName(sanitized)} does not build:\n" + build.Stderr);
        return NativeLibrary.Load(lib);
    }

    public static string LibraryName(bool sanitized) => sanitized ? "libovpndco-asan.so" : "libovpndco.so";

    /// <summary>True when the AddressSanitizer runtime is in this process (its global <c>__asan_init</c> resolves).</summary>
    public static bool SanitizerRuntimeLoaded =>
        NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "__asan_init", out _);

    /// <summary>struct ovpn_host_ops (runtime-kernel/include/ovpn_host.h): the embedding program's callbacks.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct HostOps
    {
        public delegate* unmanaged<nint, int, byte*, byte*, int> TransportOpen;
        public delegate* unmanaged<nint, byte*, byte, int> TransportListen;
        public delegate* unmanaged<nint, void> TransportClose;
        public delegate* unmanaged<nint, int, byte*, byte*, int, int> TransportSend;
        public delegate* unmanaged<nint, byte*, int, void> AdapterDeliver;
        public delegate* unmanaged<nint, byte, void> AdapterSetLink;
        public delegate* unmanaged<nint, nint, int, byte*, int, void> CompleteRead;
        public delegate* unmanaged<nint, int, int, byte*, int, void> CompletePending;
        public delegate* unmanaged<nint, long, void> TimerArm;
        public delegate* unmanaged<nint, void> TimerCancel;
    }

    /// <summary>Installs the callbacks with ovpn_host_set_ops (the table is copied).</summary>
    public static unsafe void InstallHost(nint library, in HostOps ops)
    {
        fixed (HostOps* p = &ops)
            ((delegate* unmanaged<HostOps*, void>)NativeLibrary.GetExport(library, "ovpn_host_set_ops"))(p);
    }
}
