using System.Diagnostics;
using System.IO;

namespace OvpnDco.Driver.Tests.Native;

/// <summary>
/// The driver core transpiled by ovpn-il2c (roots: <see cref="NativeExports"/>), linked with the hosted runtime
/// (OpenSSL AEAD, tagged allocator) and a C main, run under ASan/UBSan: two instances back to back for every cipher,
/// replay/forgery drops, keepalive ping, control read, stats, no leaks.
/// </summary>
public class NativeDataPathTests
{
    private const string CMain = """
        #include <stdio.h>
        #include <string.h>
        #include <stdint.h>
        #include <stdbool.h>
        #include "ovpn_hosted.h"
        #include "driver_native.h"

        #define CHECK(e) do { if (!(e)) { printf("FAIL line %d: %s\n", __LINE__, #e); return 1; } } while (0)

        static int64_t g_now = 1000000;
        static uint8_t g_sent[3][4096]; static int32_t g_sent_len[3]; static int g_sent_count[3];
        static uint8_t g_deliv[3][4096]; static int32_t g_deliv_len[3]; static int g_deliv_count[3];
        static int g_reads, g_read_status, g_read_len;

        void *nt_alloc(uintptr_t size, uint32_t tag) { return ovpn_hosted_alloc(size, tag); }
        void nt_free(void *p, uint32_t tag) { ovpn_hosted_free(p, tag); }
        int64_t nt_now(void) { return g_now; }
        void nt_timer_arm(intptr_t ctx, int64_t due) { (void)ctx; (void)due; }
        int32_t nt_key_create(int32_t alg, uint8_t *key, int32_t len, intptr_t *h) { return ovpn_hosted_aead_create(alg, key, len, h); }
        int32_t nt_hkdf(uint8_t *k, int32_t kl, uint8_t *i, int32_t il, uint8_t *o, int32_t ol) { return ovpn_hosted_hkdf_sha256_expand(k, kl, i, il, o, ol); }
        void nt_key_destroy(intptr_t h) { ovpn_hosted_aead_destroy(&h); }
        int32_t nt_seal(intptr_t k, uint8_t *n, uint8_t *a, int32_t al, uint8_t *p, int32_t l, uint8_t *c, uint8_t *t)
        { return ovpn_hosted_aead_seal(k, n, a, al, p, l, c, t) ? 1 : 0; }
        int32_t nt_open(intptr_t k, uint8_t *n, uint8_t *a, int32_t al, uint8_t *c, int32_t l, uint8_t *t, uint8_t *p)
        { return ovpn_hosted_aead_open(k, n, a, al, c, l, t, p) ? 1 : 0; }
        int32_t nt_send(intptr_t ctx, int32_t proto, uint8_t *d, int32_t len)
        { (void)proto; memcpy(g_sent[ctx], d, (size_t)len); g_sent_len[ctx] = len; g_sent_count[ctx]++; return 0; }
        void nt_deliver(intptr_t ctx, uint8_t *d, int32_t len)
        { memcpy(g_deliv[ctx], d, (size_t)len); g_deliv_len[ctx] = len; g_deliv_count[ctx]++; }
        void nt_complete_read(intptr_t ctx, intptr_t req, int32_t status, uint8_t *d, int32_t len)
        { (void)ctx; (void)req; (void)d; g_reads++; g_read_status = status; g_read_len = len; }
        void nt_complete_pending(intptr_t ctx, int32_t kind, int32_t status, uint8_t *d, int32_t len)
        { (void)ctx; (void)kind; (void)status; (void)d; (void)len; }

        static void sockaddr4(uint8_t *p, uint8_t last, uint16_t port)
        { memset(p, 0, 28); p[0] = 2; p[2] = (uint8_t)(port >> 8); p[3] = (uint8_t)port; p[4] = 192; p[6] = 2; p[7] = last; }

        static int32_t ioctl_in(uint8_t *s, uint32_t code, uint8_t *in, int32_t len)
        { int32_t n = 0; uint8_t out[1]; return nd_ioctl(s, code, in, len, out, 0, &n); }

        static int32_t stat_l(uint8_t *s, int off)
        { uint8_t out[64]; int32_t n = 0; int32_t v; nd_ioctl(s, 0x00220008u, NULL, 0, out, 64, &n); memcpy(&v, out + off, 4); return v; }

        static void key(uint8_t *k, int32_t alg, int32_t len, uint8_t enc, uint8_t dec, uint32_t opts)
        {
            memset(k, 0, 104);
            for (int i = 0; i < 32; i++) { k[i] = (uint8_t)(enc + i); k[41 + i] = (uint8_t)(dec + i); }
            k[32] = (uint8_t)len; k[41 + 32] = (uint8_t)len;
            for (int i = 0; i < 8; i++) { k[33 + i] = (uint8_t)(enc ^ i); k[41 + 33 + i] = (uint8_t)(dec ^ i); }
            memcpy(k + 88, &alg, 4);
            memcpy(k + 100, &opts, 4);
        }

        static int run(int32_t alg, int32_t len, uint32_t opts)
        {
            uint8_t *a = nd_create(1), *b = nd_create(2);
            CHECK(a && b);
            uint8_t np[60], addr_a[28], addr_b[28], k[104];
            sockaddr4(addr_a, 1, 1194); sockaddr4(addr_b, 2, 1194);
            memset(np, 0, 60); memcpy(np, addr_a, 28); memcpy(np + 28, addr_b, 28);
            CHECK(ioctl_in(a, 0x00220004u, np, 60) == 0);
            memcpy(np, addr_b, 28); memcpy(np + 28, addr_a, 28);
            CHECK(ioctl_in(b, 0x00220004u, np, 60) == 0);
            key(k, alg, len, 10, 100, opts); CHECK(ioctl_in(a, 0x00220024u, k, 104) == 0);
            key(k, alg, len, 100, 10, opts); CHECK(ioctl_in(b, 0x00220024u, k, 104) == 0);
            int before = g_deliv_count[2];
            uint8_t pkt[1500];
            for (int i = 0; i < 100; i++)
            {
                int32_t n = 20 + i * 13;
                memset(pkt, 0, sizeof pkt);
                pkt[0] = 0x45; pkt[9] = 17;
                for (int j = 20; j < n; j++) pkt[j] = (uint8_t)(i + j);
                uint8_t copy[1500]; memcpy(copy, pkt, (size_t)n);
                CHECK(nd_tx(a, pkt, n) == 0);
                nd_rx(b, g_sent[1], g_sent_len[1], addr_a);
                CHECK(g_deliv_count[2] == before + i + 1);
                CHECK(g_deliv_len[2] == n && memcmp(g_deliv[2], copy, (size_t)n) == 0);
            }
            /* replay and forgery */
            nd_rx(b, g_sent[1], g_sent_len[1], addr_a);
            CHECK(nd_stat(b, 0) == 1);
            if (alg != 0) { g_sent[1][g_sent_len[1] - 1] ^= 1; nd_rx(b, g_sent[1], g_sent_len[1], addr_a); CHECK(nd_stat(b, 1) == 1); }
            CHECK(stat_l(b, 16) == 100);           /* ReceivedDataPackets */
            CHECK(stat_l(b, 8) == (alg != 0 ? 2 : 1)); /* LostInDataPackets */
            CHECK(stat_l(a, 28) == 100);           /* SentDataPackets */
            /* keepalive ping: interval 1 s */
            uint8_t sp[12] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
            CHECK(ioctl_in(a, 0x00220014u, sp, 12) == 0);
            g_now += 1000;
            nd_timer(a);
            CHECK(nd_stat(a, 2) == 1);
            int delivered = g_deliv_count[2];
            nd_rx(b, g_sent[1], g_sent_len[1], addr_a);
            CHECK(nd_stat(b, 3) == 1 && g_deliv_count[2] == delivered);
            /* control packet to user space */
            uint8_t ctl[5] = {0x38, 1, 2, 3, 4}, buf[2048]; int32_t got = 0;
            nd_rx(b, ctl, 5, addr_a);
            CHECK(nd_read(b, 7, buf, 2048, &got) == 0 && got == 5 && memcmp(buf, ctl, 5) == 0);
            CHECK(nd_read(b, 8, buf, 2048, &got) == 0x103); /* pending */
            nd_destroy(a); nd_destroy(b);
            CHECK(g_reads == 1 && g_read_status == (int32_t)0xC0000120u); /* cancelled on close */
            g_reads = 0;
            CHECK(ovpn_hosted_mem_live(0) == 0);
            return 0;
        }

        int main(void)
        {
            if (run(1, 32, 0) || run(1, 16, 2) || run(1, 24, 0) || run(1, 24, 2) || run(2, 32, 0) || run(2, 32, 2) || run(0, 0, 0)) return 1; /* 2 = CRYPTO_OPTIONS_EPOCH */
            printf("native datapath ok\n");
            return 0;
        }
        """;

    private static (int ExitCode, string Output) Run(string file, params string[] arguments) =>
        OvpnDco.TestSupport.NativeToolchain.Exec(file, arguments, 300_000);

    [Test]
    public void TranspiledDataPathRunsNatively()
    {
        string root = Reference.RepoRoot();
        string configuration = new DirectoryInfo(TestContext.CurrentContext.TestDirectory).Parent!.Name;
        string il2c = Path.Combine(root, "compiler", "OvpnDco.Il2c", "bin", configuration, "net10.0", "ovpn-il2c.dll");
        Assert.That(File.Exists(il2c), Is.True, $"{il2c} is not built");
        string dir = Path.Combine(Path.GetTempPath(), "ovpn-driver-native-" + System.Guid.NewGuid().ToString("N"));
        try
        {
            string outDir = Path.Combine(dir, "out");
            var (rc, output) = Run("dotnet", il2c, "compile", typeof(NativeExports).Assembly.Location, "--out", outDir,
                "--target", "hosted", "--module", "driver_native");
            Assert.That(rc, Is.EqualTo(0), output);
            string main = Path.Combine(dir, "main.c");
            File.WriteAllText(main, CMain);
            string exe = Path.Combine(dir, "native-datapath");
            string include = Path.Combine(root, "runtime-kernel", "include");
            string hosted = Path.Combine(root, "runtime-kernel", "hosted");
            var args = new System.Collections.Generic.List<string>
            {
                "-std=c11", "-O1", "-g", "-Wall", "-Wextra", "-Werror", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                "-I", include, "-I", outDir, main,
                Path.Combine(hosted, "ovpn_rt_hosted.c"), Path.Combine(hosted, "ovpn_hosted_mem.c"),
                Path.Combine(hosted, "ovpn_hosted_aead.c"), Path.Combine(hosted, "ovpn_hosted_sync.c"), Path.Combine(hosted, "ovpn_hosted_faults.c"),
                Path.Combine(hosted, "ovpn_hosted_trace.c"), "-o", exe, "-lcrypto", "-lpthread",
            };
            args.AddRange(Directory.GetFiles(outDir, "*.c")); // one .c per C# source file
            (rc, output) = Run("gcc", args.ToArray());
            Assert.That(rc, Is.EqualTo(0), output);
            (rc, output) = Run(exe);
            Assert.That(rc, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain("native datapath ok"));
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }
}
