using System.Linq;
using System.Reflection;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Uapi.Tests;

/// <summary>Every IOCTL code against UAPI.md and the CTL_CODE formula, and the request shapes declared with it.</summary>
public class IoctlCodeTests
{
    private static IoctlFact[] Facts => UapiFacts.Ioctls;

    private static uint CtlCode(uint deviceType, uint function, uint method, uint access)
        => (deviceType << 16) | (access << 14) | (function << 2) | method;

    [TestCaseSource(nameof(Facts))]
    public void CodeIsCtlCodeOfItsFunction(IoctlFact fact)
    {
        uint constant = (uint)typeof(OvpnIoctl).GetField(fact.Field)!.GetRawConstantValue()!;
        Assert.Multiple(() =>
        {
            Assert.That(constant, Is.EqualTo(fact.Code), "OvpnIoctl constant vs UAPI.md");
            Assert.That(CtlCode(0x22, (uint)fact.Function, 0, 0), Is.EqualTo(fact.Code), "CTL_CODE(FILE_DEVICE_UNKNOWN, fn, METHOD_BUFFERED, FILE_ANY_ACCESS)");
            Assert.That(0x00220000u | ((uint)fact.Function << 2), Is.EqualTo(fact.Code));
            Assert.That(IoctlCode.FromFunction(fact.Function), Is.EqualTo(fact.Code));
            Assert.That(IoctlCode.Function(fact.Code), Is.EqualTo(fact.Function));
            Assert.That(IoctlCode.IsOvpnDcoCode(fact.Code), Is.True);
        });
    }

    [TestCaseSource(nameof(Facts))]
    public void DeclaredShapeMatchesUapi(IoctlFact fact)
    {
        var info = UapiCatalog.Find(fact.Code);
        Assert.That(info, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(info!.CName, Is.EqualTo(fact.CName));
            Assert.That(info.Function, Is.EqualTo(fact.Function));
            Assert.That(info.Input, Is.EqualTo(fact.Input));
            Assert.That(info.Output, Is.EqualTo(fact.Output));
            Assert.That(info.MinInput, Is.EqualTo(fact.InputSize));
            Assert.That(info.MinOutput, Is.EqualTo(fact.OutputSize));
            Assert.That(info.Modes, Is.EqualTo(fact.Modes));
            Assert.That(DcoDevice.IoctlName(fact.Code), Is.EqualTo(fact.CName));
        });
    }

    [Test]
    public void TheCatalogHasExactlyTheUapiIoctls()
    {
        Assert.That(UapiCatalog.Ioctls.Select(i => i.Code), Is.EqualTo(Facts.Select(f => f.Code)));
        Assert.That(UapiCatalog.Ioctls.Select(i => i.Function), Is.Unique);
        Assert.That(Facts.Max(f => f.Function), Is.EqualTo(OvpnIoctl.LastFunction));
        Assert.That(UapiCatalog.Ioctls.Where(i => i.Unconfirmed).Select(i => i.CName), Is.Empty, "GET_PEER_STATS is confirmed by OpenVPN master's ovpn_dco_win.h");
    }

    [TestCase(0x00120004u, false)] // another device type
    [TestCase(0x00220005u, false)] // METHOD_IN_DIRECT
    [TestCase(0x0022C004u, false)] // FILE_READ_ACCESS | FILE_WRITE_ACCESS
    [TestCase(0x00223FFCu, true)] // function 4095
    public void OnlyBufferedAnyAccessUnknownDeviceCodesAreOurs(uint code, bool ours)
        => Assert.That(IoctlCode.IsOvpnDcoCode(code), Is.EqualTo(ours));

    [Test]
    public void UnknownCodesAreNamedInHex()
        => Assert.That(DcoDevice.IoctlName(0x00220800), Is.EqualTo("IOCTL 0x00220800"));

    [Test]
    public void IoctlAttributeComputesCodesBothWays()
    {
        var byFunction = new IoctlAttribute(9);
        var byCode = new IoctlAttribute(OvpnIoctl.NewKeyV2);
        Assert.That(byFunction.Code, Is.EqualTo(OvpnIoctl.NewKeyV2));
        Assert.That(byCode.Function, Is.EqualTo(9));
        Assert.That(typeof(OvpnIoctl).GetFields().Count(f => f.GetCustomAttribute<UapiIoctlAttribute>() is not null), Is.EqualTo(19));
    }
}
