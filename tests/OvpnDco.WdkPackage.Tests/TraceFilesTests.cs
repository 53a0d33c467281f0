using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml.Linq;

namespace OvpnDco.WdkPackage.Tests;

/// <summary>
/// The tracing files: the WPR profile (well-formed, every profile wired to the driver's provider GUID) and the
/// autologger .reg (the encoding regedit requires, the session and provider keys ETW reads at boot).
/// </summary>
public class TraceFilesTests
{
    /// <summary>TraceLogging provider "OpenVPN.OvpnDCO" (upstream's GUID, kept so existing tooling finds the driver).</summary>
    private static readonly Guid Provider = Guid.Parse("4970F9cf-2c0c-4f11-b1cc-e3a1e9958833");

    private const string AutologgerKey = @"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\WMI\Autologger\OvpnDco";

    [Test]
    public void WprProfileRecordsTheDriverProviderVerboseAndLight()
    {
        var doc = XDocument.Load(Package.PropsFile("ovpn-dco-win.wprp"));
        var root = doc.Root!;
        Assert.That(root.Name.LocalName, Is.EqualTo("WindowsPerformanceRecorder"));
        var profiles = root.Element("Profiles")!;
        var providers = profiles.Elements("EventProvider").ToDictionary(p => (string)p.Attribute("Id")!);
        var collectors = profiles.Elements("EventCollector").Select(c => (string)c.Attribute("Id")!).ToHashSet();
        Assert.That(providers, Is.Not.Empty);
        foreach (var p in providers.Values)
            Assert.That(Guid.Parse((string)p.Attribute("Name")!), Is.EqualTo(Provider), "providers are named by the driver's GUID");

        var levels = new Dictionary<string, int>();
        foreach (var profile in profiles.Elements("Profile"))
        {
            string A(string name) => (string)profile.Attribute(name)!;
            Assert.That(A("Id"), Is.EqualTo($"{A("Name")}.{A("DetailLevel")}.{A("LoggingMode")}"), "WPR finds profiles by Name.DetailLevel.LoggingMode");
            var collector = profile.Element("Collectors")!.Element("EventCollectorId")!;
            Assert.That(collectors, Does.Contain((string)collector.Attribute("Value")!));
            var ids = collector.Descendants("EventProviderId").Select(e => (string)e.Attribute("Value")!).ToList();
            Assert.That(ids, Is.Not.Empty);
            foreach (var id in ids)
            {
                Assert.That(providers.ContainsKey(id), Is.True, $"{A("Id")} names provider {id}");
                levels[A("Id")] = int.Parse((string)providers[id].Attribute("Level")!, CultureInfo.InvariantCulture);
            }
        }
        Assert.That(levels.Keys, Is.SupersetOf(new[] { "OvpnDco.Verbose.File", "OvpnDco.Light.File" }));
        Assert.That(levels["OvpnDco.Verbose.File"], Is.EqualTo(5), "TRACE_LEVEL_VERBOSE");
        Assert.That(levels["OvpnDco.Light.File"], Is.InRange(1, 4), "light leaves verbose events out");
    }

    [Test]
    public void AutologgerRegIsUtf16LeWithBomAndCrlf()
    {
        var bytes = File.ReadAllBytes(Package.PropsFile("ovpn-dco-autologger.reg"));
        Assert.That(bytes.Take(2), Is.EqualTo(new byte[] { 0xFF, 0xFE }), "UTF-16LE byte order mark");
        var text = Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        Assert.That(text, Does.StartWith("Windows Registry Editor Version 5.00\r\n"));
        Assert.That(text.Replace("\r\n", "", StringComparison.Ordinal), Does.Not.Contain("\n").And.Not.Contain("\r"), "CRLF line ends only");
        Assert.That(text.All(c => c < 0x80), Is.True, "plain ASCII content (no mis-decoded UTF-8)");
    }

    [Test]
    public void AutologgerStartsASessionThatEnablesTheProvider()
    {
        var keys = ReadReg(Package.PropsFile("ovpn-dco-autologger.reg"));
        var session = keys[AutologgerKey];
        var sessionGuid = Guid.Parse(RegString(session["Guid"]));
        Assert.That(sessionGuid, Is.Not.EqualTo(Provider), "the session has its own GUID");
        Assert.That(RegDword(session["Start"]), Is.EqualTo(1));
        Assert.That(RegString(session["FileName"]), Does.EndWith(".etl"));

        var provider = keys.Single(k => k.Key.StartsWith(AutologgerKey + @"\", StringComparison.Ordinal));
        Assert.That(Guid.Parse(provider.Key.Substring(AutologgerKey.Length + 1)), Is.EqualTo(Provider));
        Assert.That(RegDword(provider.Value["Enabled"]), Is.EqualTo(1));
        Assert.That(RegDword(provider.Value["EnableLevel"]), Is.EqualTo(5));
        Assert.That(provider.Value["MatchAnyKeyword"], Does.Match("^hex\\(b\\):([0-9a-f]{2},){7}[0-9a-f]{2}$"), "a REG_QWORD");
    }

    /// <summary>A .reg file: [key] headers and "name"=value lines (';' comments), as key → name → raw value.</summary>
    private static Dictionary<string, Dictionary<string, string>> ReadReg(string path)
    {
        var keys = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        foreach (var raw in File.ReadAllText(path, Encoding.Unicode).Split("\r\n").Skip(1))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith(';'))
                continue;
            if (line.StartsWith('['))
            {
                current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                keys.Add(line.Trim('[', ']'), current);
                continue;
            }
            Assert.That(current, Is.Not.Null, $"value outside a key: {line}");
            var eq = line.IndexOf("\"=", StringComparison.Ordinal);
            Assert.That(line.StartsWith('"') && eq > 0, Is.True, $"not a \"name\"=value line: {line}");
            current!.Add(line.Substring(1, eq - 1), line.Substring(eq + 2));
        }
        return keys;
    }

    private static string RegString(string value)
    {
        Assert.That(value, Does.StartWith("\"").And.EndWith("\""), "REG_SZ");
        return value.Substring(1, value.Length - 2).Replace(@"\\", @"\", StringComparison.Ordinal);
    }

    private static uint RegDword(string value)
    {
        Assert.That(value, Does.Match("^dword:[0-9a-f]{8}$"), "REG_DWORD");
        return uint.Parse(value.AsSpan(6), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
