using System.IO;
using OvpnDco.TestSupport;

namespace OvpnDco.Native.Tests;

/// <summary>
/// The hosted device's TUN offloads (runtime-kernel/hosted/device/ovpn_hdev_offload.c): TCP super-packets of the kernel cut
/// into segments with their own IPv4/IPv6 and TCP headers and full checksums, partial checksums completed, and packets
/// that are not what their virtio_net_hdr says refused. tests/native/tun_offload_test.c checks each segment field by
/// field with its own plain RFC 1071 checksum; built with ASan + UBSan. (The e2e suite runs the same code under real
/// TCP through the tunnel.)
/// </summary>
public class TunOffloadTests
{
    [Test]
    public void SuperPacketsAreSegmentedWithValidHeadersAndChecksums()
    {
        var dir = Path.Combine(NativeDriver.Directory, "gso");
        Directory.CreateDirectory(dir);
        var device = Path.Combine(NativeToolchain.RepoRoot, "runtime-kernel", "hosted", "device");
        var test = Path.Combine(NativeToolchain.RepoRoot, "tests", "native", "tun_offload_test.c");
        var build = NativeToolchain.Run(
            $"{NativeToolchain.Clang} -std=c11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra -Werror " +
            $"-I {NativeToolchain.Quote(device)} {NativeToolchain.Quote(test)} {NativeToolchain.Quote(Path.Combine(device, "ovpn_hdev_offload.c"))} " +
            "-o tun_offload_test", dir, 120_000);
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Stderr);
        var run = NativeToolchain.Run("./tun_offload_test", dir, 60_000);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stdout + run.Stderr);
        Assert.That(run.Stdout, Does.Match(@"^ok \d{3,}"), "the checks ran");
    }
}
