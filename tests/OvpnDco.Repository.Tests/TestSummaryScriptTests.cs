using System.Diagnostics;
using System.IO;

namespace OvpnDco.Repository.Tests;

/// <summary>
/// scripts/summarize-results.sh decides what CI sees: these tests feed it results with failures, skips and
/// native counts and check the closing line and the exit status.
/// </summary>
public class TestSummaryScriptTests
{
    private string _dir = "";

    [SetUp]
    public void MakeResultsDir()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ovpndco-summary-" + Path.GetRandomFileName());
        Directory.CreateDirectory(Path.Combine(_dir, "nunit"));
    }

    [TearDown]
    public void RemoveResultsDir() => Directory.Delete(_dir, recursive: true);

    private void WriteTrx(string name, int total, int executed, int passed, int failed) =>
        File.WriteAllText(Path.Combine(_dir, "nunit", name + ".trx"),
            $"<TestRun><ResultSummary outcome=\"x\"><Counters total=\"{total}\" executed=\"{executed}\" " +
            $"passed=\"{passed}\" failed=\"{failed}\" error=\"0\" timeout=\"0\" aborted=\"0\" />" +
            $"</ResultSummary><TestDefinitions><UnitTest storage=\"/x/{name}.dll\" /></TestDefinitions></TestRun>");

    private (int ExitCode, string LastLine) Run()
    {
        var script = Path.Combine(SolutionLayoutTests.RepoRoot, "scripts", "summarize-results.sh");
        var psi = new ProcessStartInfo("bash", $"\"{script}\" \"{_dir}\"") { RedirectStandardOutput = true };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd().TrimEnd().Split('\n');
        process.WaitForExit();
        return (process.ExitCode, output[^1]);
    }

    [Test]
    public void AllPassingSuitesSumAndExitZero()
    {
        WriteTrx("A.Tests", 10, 10, 10, 0);
        WriteTrx("B.Tests", 5, 5, 5, 0);
        Assert.That(Run(), Is.EqualTo((0, "15 passed, 0 failed")));
    }

    [Test]
    public void OneFailureMakesTheRunFailAndIsCounted()
    {
        WriteTrx("A.Tests", 10, 10, 9, 1);
        WriteTrx("B.Tests", 5, 5, 5, 0);
        Assert.That(Run(), Is.EqualTo((1, "14 passed, 1 failed")));
    }

    [Test]
    public void SkippedTestsAndNativeCountsAreAdded()
    {
        WriteTrx("A.Tests", 10, 8, 8, 0);
        File.WriteAllText(Path.Combine(_dir, "native.counts"), "7 0 1 native-c-suite\n");
        Assert.That(Run(), Is.EqualTo((0, "15 passed, 0 failed, 3 skipped")));
    }

    [Test]
    public void NativeFailureFailsTheRun()
    {
        WriteTrx("A.Tests", 1, 1, 1, 0);
        File.WriteAllText(Path.Combine(_dir, "fuzz.counts"), "2 1 0 fuzz-rx\n");
        Assert.That(Run(), Is.EqualTo((1, "3 passed, 1 failed")));
    }

    [Test]
    public void LargeResultFilesAreReadWhole()
    {
        // A real TRX of a few hundred tests is large; reading only its head must not kill the script (SIGPIPE).
        var padding = string.Concat(System.Linq.Enumerable.Repeat("<UnitTest storage=\"/x/Big.Tests.dll\" />\n", 200_000));
        File.WriteAllText(Path.Combine(_dir, "nunit", "Big.trx"),
            "<TestRun><TestDefinitions><UnitTest storage=\"/x/Big.Tests.dll\" /></TestDefinitions>\n<Results>\n" + padding +
            "</Results>\n<ResultSummary outcome=\"x\"><Counters total=\"600\" executed=\"600\" passed=\"600\" failed=\"0\" error=\"0\" />\n</ResultSummary></TestRun>\n" + padding);
        Assert.That(Run(), Is.EqualTo((0, "600 passed, 0 failed")));
    }

    [Test]
    public void NoTestsAtAllIsAFailure()
    {
        Assert.That(Run().ExitCode, Is.Not.EqualTo(0), "a run that executed nothing must not pass");
    }
}
