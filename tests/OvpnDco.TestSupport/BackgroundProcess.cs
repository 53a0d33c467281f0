using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using NUnit.Framework;

namespace OvpnDco.TestSupport;

/// <summary>
/// A background process of a network test (ovpn-dco-cli, openvpn, tshark, an iperf3 server, usually under
/// `ip netns exec`) whose stdout and stderr are collected line by line, so that a test can wait for what it prints.
/// Disposing stops it: SIGTERM, then SIGKILL if it has not exited within 8 s.
/// </summary>
public sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _all = new();
    private readonly AutoResetEvent _changed = new(false);

    public BackgroundProcess(string file, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            // stdin is a pipe nobody writes: a program that reads it sees no terminal and no end of file.
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment)
                start.Environment[k] = v;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Everything printed so far, stdout and stderr interleaved in arrival order.</summary>
    public string Output
    {
        get
        {
            lock (_all)
                return _all.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    private void Add(string? line)
    {
        if (line is null)
            return;
        lock (_all)
            _all.AppendLine(line);
        _changed.Set();
    }

    /// <summary>How many times <paramref name="pattern"/> matches the output so far.</summary>
    public int Count(string pattern) => Regex.Matches(Output, pattern).Count;

    /// <summary>
    /// Waits until <paramref name="pattern"/> has matched <paramref name="times"/> times and returns how long it took;
    /// fails the test with the output if the time runs out or the process exits first.
    /// </summary>
    public TimeSpan WaitFor(string pattern, TimeSpan timeout, int times = 1)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Count(pattern) >= times)
                return clock.Elapsed;
            if (_process.HasExited)
            {
                _process.WaitForExit(); // drains the output events
                if (Count(pattern) >= times)
                    return clock.Elapsed;
                break;
            }
            _changed.WaitOne(50);
        }
        Assert.Fail($"no output matching /{pattern}/ ({times}x) within {timeout.TotalSeconds} s; output:\n{Output}");
        return clock.Elapsed;
    }

    /// <summary>Waits for the exit (and the last output lines); false if it is still running after <paramref name="timeout"/>.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return false;
        _process.WaitForExit();
        return true;
    }

    /// <summary>Sends a signal to the process (and, through `ip netns exec`, which execs, to the program itself).</summary>
    public void Signal(int signal)
    {
        if (!_process.HasExited)
            kill(_process.Id, signal);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Signal(15);
            if (!_process.WaitForExit(8000))
            {
                Signal(9);
                _process.WaitForExit(5000);
            }
        }
        _process.Dispose();
        _changed.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
