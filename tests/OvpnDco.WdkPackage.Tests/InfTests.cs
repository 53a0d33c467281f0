using System;
using System.Globalization;
using System.IO;
using System.Linq;
using OvpnDco.Driver;

namespace OvpnDco.WdkPackage.Tests;

/// <summary>
/// ovpn-dco.inf, read the way SetupAPI reads it after stampinf: the device Windows installs for hardware id ovpn-dco
/// on each architecture, its network keywords, its registry values, the KMDF service and framework version.
/// </summary>
public class InfTests
{
    private const string NetClassGuid = "4d36e972-e325-11ce-bfc1-08002be10318";

    private static string Source => File.ReadAllText(Package.PropsFile("ovpn-dco.inf"));

    /// <summary>The KMDF version the project builds against (stampinf's $KMDFVERSION$).</summary>
    private static string ProjectKmdfVersion()
    {
        var project = ProjectFile.Load(Package.PropsFile("ovpn-dco-win.vcxproj"));
        return $"{project.Property("KMDF_VERSION_MAJOR")}.{project.Property("KMDF_VERSION_MINOR")}";
    }

    private static InfReader Stamped(string arch) => InfReader.Parse(InfReader.Stamp(Source, arch, ProjectKmdfVersion()));

    /// <summary>Manufacturer → the models section decorated for <paramref name="arch"/> → the line for hardware id ovpn-dco.</summary>
    private static InfLine DeviceLine(InfReader inf, string arch)
    {
        var manufacturer = inf.Section("Manufacturer").Single();
        var models = manufacturer.Fields[0];
        var decoration = manufacturer.Fields.Skip(1).Single(d => d.StartsWith("NT" + arch + ".", StringComparison.OrdinalIgnoreCase)
                                                                 || d.Equals("NT" + arch, StringComparison.OrdinalIgnoreCase));
        return inf.Section(models + "." + decoration).Single(l => l.Fields.Skip(1).Contains("ovpn-dco"));
    }

    /// <summary>The install (DDInstall) section Windows runs for hardware id ovpn-dco.</summary>
    private static string InstallSectionFor(InfReader inf, string arch) => DeviceLine(inf, arch).Fields[0];

    [Test]
    public void VersionSectionNamesTheNetClassAndTheCatalog()
    {
        var inf = Stamped("amd64");
        Assert.That(inf.Value("Version", "Signature"), Is.EqualTo("$WINDOWS NT$"));
        Assert.That(inf.Value("Version", "Class"), Is.EqualTo("Net"));
        Assert.That(Guid.Parse(inf.Value("Version", "ClassGuid")), Is.EqualTo(Guid.Parse(NetClassGuid)));
        Assert.That(inf.Value("Version", "Provider"), Is.EqualTo("OpenVPN"));
        Assert.That(inf.Value("Version", "CatalogFile"), Is.EqualTo("ovpn-dco.cat"));
        Assert.That(inf.Number("Version", "PnpLockdown"), Is.EqualTo(1));
    }

    [TestCase("amd64")]
    [TestCase("x86")]
    [TestCase("arm64")]
    public void EveryArchitectureMapsHardwareIdOvpnDcoToTheInstallSection(string arch)
    {
        var inf = Stamped(arch);
        var device = DeviceLine(inf, arch);
        Assert.That(inf.HasSection(device.Fields[0] + ".NT"), Is.True, $"install section {device.Fields[0]}.NT");
        Assert.That(inf.HasSection(device.Fields[0] + ".NT.Services"), Is.True);
        // The device description is a real string (substituted from [Strings]), not a left-over token.
        Assert.That(device.Key, Is.EqualTo("OpenVPN Data Channel Offload"));
    }

    [Test]
    public void TheAdapterIsAVirtualPointToPointIpInterface()
    {
        var inf = Stamped("amd64");
        var install = InstallSectionFor(inf, "amd64") + ".NT";
        Assert.That(inf.Number(install, "Characteristics") & 0x1, Is.EqualTo(0x1), "NCF_VIRTUAL");
        Assert.That(inf.Number(install, "*IfType"), Is.EqualTo(53), "IF_TYPE_PROP_VIRTUAL");
        Assert.That(inf.Number(install, "*MediaType"), Is.EqualTo(19), "NdisMediumIP");
        Assert.That(inf.Number(install, "*PhysicalMediaType"), Is.EqualTo(0), "NdisPhysicalMediumUnspecified");
        Assert.That(inf.Number(install, "*IfConnectorPresent"), Is.EqualTo(0));
        Assert.That(inf.Number(install, "*ConnectionType"), Is.EqualTo(1), "NET_IF_CONNECTION_DEDICATED");
        Assert.That(inf.Number(install, "*DirectionType"), Is.EqualTo(0), "NET_IF_DIRECTION_SENDRECEIVE");
        Assert.That(inf.Number(install, "*AccessType"), Is.EqualTo(2), "upstream's *AccessType");
    }

    [Test]
    public void TheDriverFileIsCopiedAndOnTheDisk()
    {
        var inf = Stamped("amd64");
        var install = InstallSectionFor(inf, "amd64") + ".NT";
        var copy = inf.Value(install, "CopyFiles");
        Assert.That(inf.Section(copy).Select(l => l.Value), Is.EquivalentTo(new[] { "ovpn-dco.sys" }));
        Assert.That(inf.Section("SourceDisksFiles").Select(l => l.Key), Does.Contain("ovpn-dco.sys"));
        Assert.That(inf.Section("SourceDisksNames").Select(l => l.Key), Does.Contain(inf.Fields("SourceDisksFiles", "ovpn-dco.sys")[0]));
    }

    [Test]
    public void AddRegGivesTheBindingEngineTheServiceAndInterfaces()
    {
        var inf = Stamped("amd64");
        var install = InstallSectionFor(inf, "amd64") + ".NT";
        // HKR, subkey, value name, flags, value
        var lines = inf.Section(inf.Value(install, "AddReg")).Select(l => l.Fields).ToList();
        Assert.That(lines.All(f => f[0] == "HKR" && f.Count == 5), Is.True, "every AddReg line is HKR, key, name, flags, value");
        string RegValue(string key, string name) => lines.Single(f => f[1] == key && f[2] == name)[4];
        Assert.That(RegValue("Ndi", "Service"), Is.EqualTo(ServiceName(inf, install)));
        Assert.That(RegValue(@"Ndi\Interfaces", "UpperRange"), Is.EqualTo("ndis5"));
        Assert.That(RegValue(@"Ndi\Interfaces", "LowerRange"), Is.EqualTo("nolower"));
    }

    private static string ServiceName(InfReader inf, string install) => inf.Fields(install + ".Services", "AddService")[0];

    [Test]
    public void TheServiceIsADemandStartKernelDriverFromTheDriverStore()
    {
        var inf = Stamped("amd64");
        var install = InstallSectionFor(inf, "amd64") + ".NT";
        var addService = inf.Fields(install + ".Services", "AddService");
        Assert.That(addService[0], Is.EqualTo("ovpn-dco"));
        Assert.That(Convert.ToInt32(addService[1], 16) & 0x2, Is.EqualTo(0x2), "SPSVCINST_ASSOCSERVICE: the device's function driver");
        var service = addService[2];
        Assert.That(inf.Number(service, "ServiceType"), Is.EqualTo(1), "SERVICE_KERNEL_DRIVER");
        Assert.That(inf.Number(service, "StartType"), Is.EqualTo(3), "SERVICE_DEMAND_START");
        Assert.That(inf.Number(service, "ErrorControl"), Is.EqualTo(1), "SERVICE_ERROR_NORMAL");
        var target = ProjectFile.Load(Package.PropsFile("ovpn-dco-win.vcxproj")).Property("TargetName") + ".sys";
        Assert.That(inf.Value(service, "ServiceBinary"), Is.EqualTo(@"%13%\" + target), "the binary the project links, run from the driver store");
        Assert.That(inf.Number("DestinationDirs", "DefaultDestDir"), Is.EqualTo(13));
    }

    [Test]
    public void KmdfServiceAndLibraryVersionAreTheProjects()
    {
        var inf = Stamped("amd64");
        var install = InstallSectionFor(inf, "amd64") + ".NT";
        var kmdf = inf.Fields(install + ".Wdf", "KmdfService");
        Assert.That(kmdf[0], Is.EqualTo(ServiceName(inf, install)));
        Assert.That(inf.Value(kmdf[1], "KmdfLibraryVersion"), Is.EqualTo("1.33"));
        // Only stampinf's tokens are left for the WDK build to fill.
        Assert.That(Source, Does.Contain("$KMDFVERSION$"));
    }

    [Test]
    public void AssembledInfCarriesTheDriverVersionAndAFixedDate()
    {
        var text = File.ReadAllText(Path.Combine(Package.Built, "ovpn-dco.inf"));
        Assert.That(text, Does.Not.Contain("@OVPN_DCO_"));
        var driverVer = InfReader.Parse(InfReader.Stamp(text, "amd64", "1.33")).Fields("Version", "DriverVer");
        Assert.That(DateTime.TryParseExact(driverVer[0], "MM/dd/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), Is.True, driverVer[0]);
        Assert.That(driverVer[1], Is.EqualTo($"{Proto.VersionMajor}.{Proto.VersionMinor}.{Proto.VersionPatch}.0"));
    }
}

/// <summary>The reader itself: it must reject what SetupAPI rejects, or the checks above prove nothing.</summary>
public class InfReaderTests
{
    [Test]
    public void QuotedFieldsCommentsContinuationsAndStrings()
    {
        var inf = InfReader.Parse("[A]\r\nx = \"a, b; c\", %s% ; comment\r\nHKR, Ndi, Service, 0, \\\n  %s%\r\n[Strings]\r\ns = \"v\"\r\n");
        Assert.That(inf.Fields("A", "x"), Is.EqualTo(new[] { "a, b; c", "v" }));
        Assert.That(inf.Section("a")[1].Fields, Is.EqualTo(new[] { "HKR", "Ndi", "Service", "0", "v" }));
        Assert.That(inf.Section("A")[1].Key, Is.Null);
    }

    [Test]
    public void DirectoryIdsAndPercentEscapesStay()
    {
        var inf = InfReader.Parse("[A]\nb = %13%\\x.sys\nc = 100%%\n");
        Assert.That(inf.Value("A", "b"), Is.EqualTo(@"%13%\x.sys"));
        Assert.That(inf.Value("A", "c"), Is.EqualTo("100%"));
    }

    [Test]
    public void UndefinedStringKeyIsAnError() =>
        Assert.Throws<FormatException>(() => InfReader.Parse("[A]\nx = %missing%\n[Strings]\ny = \"1\"\n"));

    [Test]
    public void DuplicateKeyIsReported() =>
        Assert.Throws<FormatException>(() => InfReader.Parse("[A]\nx = 1\nX = 2\n").Value("A", "x"));

    [Test]
    public void UnterminatedQuoteIsAnError() =>
        Assert.Throws<FormatException>(() => InfReader.Parse("[A]\nx = \"open\n"));
}
