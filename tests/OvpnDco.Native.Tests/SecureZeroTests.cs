using System;
using System.IO;
using System.Text.RegularExpressions;
using OvpnDco.Compiler;
using OvpnDco.TestSupport;

namespace OvpnDco.Native.Tests;

/// <summary>
/// Key material is zeroed with stores the optimiser may not remove: CryptographicOperations.ZeroMemory lowers to
/// ovpn_rt_secure_zero, which is RtlSecureZeroMemory in the kernel (checked against the real WDK headers) and
/// explicit_bzero in the hosted runtime. A plain memset before free is a dead store compilers delete.
/// </summary>
public class SecureZeroTests
{
    private static string WdkCc => Path.Combine(NativeToolchain.RepoRoot, "..", "shared", "tools", "wdk-cc");

    [Test]
    public void KeySlotZeroingInTheDriverIsSecureZero()
    {
        var output = IlToC.Compile(Path.Combine(AppContext.BaseDirectory, "OvpnDco.Driver.Kernel.dll"),
            new CompilerOptions { Target = Target.Kernel, ModuleName = "ovpndco" });
        var dir = Path.Combine(NativeDriver.Directory, "secure-zero");
        IlToC.WriteOutput(output, dir);
        var c = File.ReadAllText(Path.Combine(dir, "crypto_aead.c")); // KeySlot.Destroy is in CryptoAead.cs
        var destroy = Regex.Match(c, @"ovpn_crypto_aead_destroy\((?:_\w+_ )?OvpnDco_Driver_KeySlot \*slot\)\n\{(?<body>.*?)\n\}", RegexOptions.Singleline);
        Assert.That(destroy.Success, "KeySlot Destroy is in the output");
        Assert.That(destroy.Groups["body"].Value, Does.Contain("ovpn_rt_secure_zero(").And.Not.Contain("ovpn_rt_memset("));
    }

    // x64's RtlSecureZeroMemory is the __stosb intrinsic: `rep stosb` with MSVC, but clang-14 lowers that builtin
    // to a memset call, so x64 is checked for building only; x86 and ARM64 use the header's volatile byte stores.
    [TestCase("x64", null)]
    [TestCase("x86", "movb\t$0,")]
    [TestCase("arm64", "strb\twzr,")]
    public void KernelSecureZeroIsRtlSecureZeroMemoryFromTheWdk(string arch, string? store)
    {
        if (!File.Exists(WdkCc))
            Assert.Ignore("../shared/tools/wdk-cc (the WDK headers) is not beside this clone");
        var dir = Path.Combine(NativeDriver.Directory, "km-" + arch);
        Directory.CreateDirectory(dir);
        var km = Path.Combine(NativeToolchain.RepoRoot, "runtime-kernel", "km", "ovpn_rt_km.c");
        var build = NativeToolchain.Run(
            $"{NativeToolchain.Quote(WdkCc)} {arch} -c -O2 -Wall -Werror -DOVPN_RT_KERNEL -DOVPN_KM_WDK_HEADERS " +
            $"-I {NativeToolchain.Quote(NativeToolchain.Include)} {NativeToolchain.Quote(km)} -o km.obj", dir);
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Stderr);
        if (store is null)
            return;
        var disassembly = NativeToolchain.Run("llvm-objdump-14 -dr --no-show-raw-insn km.obj", dir);
        Assert.That(disassembly.ExitCode, Is.EqualTo(0), disassembly.Stderr);
        var body = Regex.Match(disassembly.Stdout, @"<_?ovpn_rt_secure_zero>:\n(?<body>(?:[^\n]+\n?)+)");
        Assert.That(body.Success, "ovpn_rt_secure_zero is defined");
        Assert.That(body.Groups["body"].Value, Does.Contain(store), "the stores are in the function itself");
        Assert.That(body.Groups["body"].Value, Does.Not.Contain("memset"), "not a call to memset");
    }

    [Test]
    public void HostedSecureZeroIsExplicitBzero()
    {
        var dir = Path.Combine(NativeDriver.Directory, "hosted-zero");
        Directory.CreateDirectory(dir);
        var rt = Path.Combine(NativeToolchain.RepoRoot, "runtime-kernel", "hosted", "ovpn_rt_hosted.c");
        var build = NativeToolchain.Run(
            $"gcc -std=c11 -O2 -Wall -Wextra -Werror -c -I {NativeToolchain.Quote(NativeToolchain.Include)} {NativeToolchain.Quote(rt)} -o rt.o", dir);
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Stderr);
        var symbols = NativeToolchain.Run("nm rt.o", dir);
        Assert.That(symbols.Stdout, Does.Match(@"U explicit_bzero"));
        Assert.That(symbols.Stdout, Does.Match(@"T ovpn_rt_secure_zero"));
    }
}
