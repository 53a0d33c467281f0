using System.Linq;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace OvpnDco.Uapi.Tests;

/// <summary>
/// The generated dispatch table, compiled to C by ovpn-il2c (compiler/OvpnDco.Il2c) and run natively with gcc:
/// unknown code, wrong mode, short buffers, zeroing and the handlers behave as in .NET.
/// </summary>
public class NativeDispatchTests
{
    private const string CMain = """
        #include <stdio.h>
        #include <string.h>
        #include <stdint.h>

        int32_t uapi_test_dispatch(uint32_t code, uint8_t *input, int32_t inputLength, uint8_t *output, int32_t outputLength, int32_t *bytesReturned);
        int32_t uapi_test_calls(void);

        #define CHECK(e) do { if (!(e)) { printf("FAIL line %d: %s\n", __LINE__, #e); return 1; } } while (0)
        #define INVALID_DEVICE_REQUEST ((int32_t)0xC0000010u)
        #define BUFFER_TOO_SMALL ((int32_t)0xC0000023u)
        #define INVALID_DEVICE_STATE ((int32_t)0xC0000184u)
        #define ALREADY_INITIALIZED ((int32_t)0xC0000510u)

        int main(void)
        {
            uint8_t in[64], out[64];
            int32_t n = 99;
            memset(in, 0, sizeof in);
            memset(out, 0xCC, sizeof out);
            /* GET_VERSION: 12 bytes returned, the caller's bytes past the struct not written */
            CHECK(uapi_test_dispatch(0x00220020u, in, 0, out, 16, &n) == 0);
            CHECK(n == 12);
            CHECK(out[0] == 2 && out[4] == 5 && out[8] == 1);
            CHECK(out[12] == 0xCC && out[15] == 0xCC && out[16] == 0xCC);
            /* short output, unknown code, short input: refused before any handler runs */
            CHECK(uapi_test_dispatch(0x00220020u, in, 0, out, 11, &n) == BUFFER_TOO_SMALL && n == 0);
            CHECK(uapi_test_dispatch(0x00220050u, in, 64, out, 64, &n) == INVALID_DEVICE_REQUEST);
            CHECK(uapi_test_dispatch(0x00220028u, in, 3, out, 0, &n) == BUFFER_TOO_SMALL);
            /* MP-only IOCTL in P2P mode: the wrong-mode status */
            CHECK(uapi_test_dispatch(0x0022003Cu, in, 4, out, 0, &n) == INVALID_DEVICE_STATE);
            CHECK(uapi_test_calls() == 1);
            /* SET_MODE(MP), then once more; longer input accepted */
            in[0] = 1;
            CHECK(uapi_test_dispatch(0x00220028u, in, 8, out, 0, &n) == 0);
            CHECK(uapi_test_dispatch(0x00220028u, in, 4, out, 0, &n) == ALREADY_INITIALIZED);
            /* now MP_DEL_PEER reaches its handler */
            memset(in, 0, sizeof in);
            in[0] = 7;
            CHECK(uapi_test_dispatch(0x0022003Cu, in, 4, out, 0, &n) == 0);
            in[0] = 8;
            CHECK(uapi_test_dispatch(0x0022003Cu, in, 4, out, 0, &n) == INVALID_DEVICE_REQUEST);
            CHECK(uapi_test_calls() == 5);
            printf("native dispatch ok\n");
            return 0;
        }
        """;

    private static (int ExitCode, string Output) Run(string file, IEnumerable<string> arguments) =>
        OvpnDco.TestSupport.NativeToolchain.Exec(file, arguments, 180_000);

    [Test]
    public void GeneratedDispatchCompilesToCAndRuns()
    {
        string testDir = TestContext.CurrentContext.TestDirectory;            // tests/X/bin/<config>/net10.0
        string configuration = new DirectoryInfo(testDir).Parent!.Name;
        string il2c = Path.Combine(Repo.Root, "compiler", "OvpnDco.Il2c", "bin", configuration, "net10.0", "ovpn-il2c.dll");
        Assert.That(File.Exists(il2c), Is.True, $"{il2c} is not built");
        string assembly = typeof(Native.NativeDriver).Assembly.Location;

        string dir = Repo.ScratchDirectory();
        try
        {
            string outDir = Path.Combine(dir, "out");
            var (rc, output) = Run("dotnet", new[] { il2c, "compile", assembly, "--out", outDir, "--target", "hosted", "--module", "uapi_native" });
            Assert.That(rc, Is.EqualTo(0), output);
            // one .c per C# source file: the generated dispatch is ioctl_dispatch.c (from IoctlDispatch.g.cs)
            string[] cFiles = Directory.GetFiles(outDir, "*.c");
            string generated = string.Concat(cFiles.Select(File.ReadAllText));
            Assert.That(generated, Does.Contain("DispatchIoctl"));

            string main = Path.Combine(dir, "main.c");
            File.WriteAllText(main, CMain);
            string exe = Path.Combine(dir, "native-dispatch");
            string include = Path.Combine(Repo.Root, "runtime-kernel", "include");
            string runtime = Path.Combine(Repo.Root, "runtime-kernel", "hosted", "ovpn_rt_hosted.c");
            // ovpn-il2c marks parameters a handler does not use ((void)x;), so -Wextra stays on in full.
            (rc, output) = Run("gcc", new[]
            {
                "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", include, "-I", outDir,
                runtime, main, "-o", exe,
            }.Concat(cFiles).ToArray());
            Assert.That(rc, Is.EqualTo(0), output);
            (rc, output) = Run(exe, System.Array.Empty<string>());
            Assert.That(rc, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain("native dispatch ok"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
