using System;
using System.IO;
using System.Runtime.InteropServices;
using OvpnDco.TestSupport;

namespace OvpnDco.Hosted.Tests;

/// <summary>runtime-kernel/hosted/*.c built once into a shared library and its C API as function pointers.</summary>
public static unsafe class HostedLibrary
{
    private static readonly Lazy<nint> Handle = new(Build);

    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), $"ovpndco-hosted-{Environment.ProcessId}");

    private static nint Build()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var lib = Path.Combine(Directory, "libovpn_hosted.so");
        var result = NativeToolchain.Run(
            $"gcc -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC -I {NativeToolchain.Quote(NativeToolchain.Include)} " +
            $"{NativeToolchain.HostedSources} -lcrypto -lpthread -o {NativeToolchain.Quote(lib)}");
        if (result.ExitCode != 0)
            throw new InvalidOperationException("hosted runtime does not build:\n" + result.Stderr);
        return NativeLibrary.Load(lib);
    }

    private static nint Export(string name) => NativeLibrary.GetExport(Handle.Value, name);

    public static int AeadCreate(int alg, ReadOnlySpan<byte> key, out nint handle)
    {
        fixed (byte* k = key)
        fixed (nint* h = &handle)
            return ((delegate* unmanaged<int, byte*, int, nint*, int>)Export("ovpn_hosted_aead_create"))(alg, k, key.Length, h);
    }

    /// <summary>ovpn_hosted_hkdf_sha256_expand: 0 on success.</summary>
    public static int HkdfExpand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> output)
    {
        fixed (byte* k = prk)
        fixed (byte* i = info)
        fixed (byte* o = output)
            return ((delegate* unmanaged<byte*, int, byte*, int, byte*, int, int>)Export("ovpn_hosted_hkdf_sha256_expand"))(
                k, prk.Length, i, info.Length, o, output.Length);
    }

    public static void AeadDestroy(ref nint handle)
    {
        fixed (nint* h = &handle)
            ((delegate* unmanaged<nint*, void>)Export("ovpn_hosted_aead_destroy"))(h);
    }

    public static bool Seal(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag)
    {
        if (nonce.Length != 12 || tag.Length != 16 || ciphertext.Length < plaintext.Length)
            throw new ArgumentException("nonce 12, tag 16, ciphertext >= plaintext");
        fixed (byte* n = nonce, a = aad, p = plaintext, c = ciphertext, t = tag)
            return ((delegate* unmanaged<nint, byte*, byte*, int, byte*, int, byte*, byte*, byte>)Export("ovpn_hosted_aead_seal"))(
                key, n, a, aad.Length, p, plaintext.Length, c, t) != 0;
    }

    public static bool Open(nint key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        if (nonce.Length != 12 || tag.Length != 16 || plaintext.Length < ciphertext.Length)
            throw new ArgumentException("nonce 12, tag 16, plaintext >= ciphertext");
        fixed (byte* n = nonce, a = aad, c = ciphertext, t = tag, p = plaintext)
            return ((delegate* unmanaged<nint, byte*, byte*, int, byte*, int, byte*, byte*, byte>)Export("ovpn_hosted_aead_open"))(
                key, n, a, aad.Length, c, ciphertext.Length, t, p) != 0;
    }

    public static nint Alloc(nuint size, uint tag) => (nint)((delegate* unmanaged<nuint, uint, void*>)Export("ovpn_hosted_alloc"))(size, tag);

    public static void Free(nint memory, uint tag) => ((delegate* unmanaged<void*, uint, void>)Export("ovpn_hosted_free"))((void*)memory, tag);

    public static long Live(uint tag) => ((delegate* unmanaged<uint, long>)Export("ovpn_hosted_mem_live"))(tag);

    public static long LiveBytes(uint tag) => ((delegate* unmanaged<uint, long>)Export("ovpn_hosted_mem_live_bytes"))(tag);

    public static long NowMs() => ((delegate* unmanaged<long>)Export("ovpn_hosted_now_ms"))();

    public static void SetClock(delegate* unmanaged<long> clock) => ((delegate* unmanaged<delegate* unmanaged<long>, void>)Export("ovpn_hosted_set_clock"))(clock);
}
