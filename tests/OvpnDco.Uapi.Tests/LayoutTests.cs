using System;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi.Tests;

/// <summary>The C# side of the three-way layout check: Unsafe.SizeOf, Marshal.SizeOf and Marshal.OffsetOf against UAPI.md.</summary>
public class LayoutTests
{
    private static readonly StructFact[] All = UapiFacts.Structs.Concat(UapiFacts.PlatformTypes).ToArray();

    private static int SizeOf(Type type)
        => (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    [TestCaseSource(nameof(All))]
    public void SizeMatchesUapi(StructFact fact)
    {
        Assert.That(SizeOf(fact.Type), Is.EqualTo(fact.Size), "Unsafe.SizeOf");
        Assert.That(Marshal.SizeOf(fact.Type), Is.EqualTo(fact.Size), "Marshal.SizeOf");
    }

    [TestCaseSource(nameof(All))]
    public void EveryFieldOffsetMatchesUapi(StructFact fact)
    {
        foreach (var field in fact.Fields)
        {
            Assert.That((int)Marshal.OffsetOf(fact.Type, field.Field), Is.EqualTo(field.Offset), $"{fact.CName}.{field.CName}");
            var info = fact.Type.GetField(field.Field)!;
            int size = info.GetCustomAttribute<FixedBufferAttribute>() is { } fixedBuffer
                ? fixedBuffer.Length * SizeOf(fixedBuffer.ElementType)
                : SizeOf(info.FieldType);
            Assert.That(size, Is.EqualTo(field.Size), $"size of {fact.CName}.{field.CName}");
        }
    }

    [TestCaseSource(nameof(UapiFactsStructs))]
    public void EveryFieldIsListedInTheFacts(StructFact fact)
    {
        // A field added in C# but missing from UAPI.md would change the ABI unnoticed.
        var declared = fact.Type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).Select(f => f.Name);
        Assert.That(declared, Is.EquivalentTo(fact.Fields.Select(f => f.Field)));
    }

    private static StructFact[] UapiFactsStructs => UapiFacts.Structs;

    [Test]
    public void EveryUapiStructIsCoveredByTheFacts()
    {
        var declared = typeof(OvpnNewPeer).Assembly.GetTypes().Where(t => t.GetCustomAttribute<UapiStructAttribute>() is not null);
        Assert.That(declared, Is.EquivalentTo(UapiFacts.Structs.Select(s => s.Type)));
        foreach (var fact in UapiFacts.Structs)
            Assert.That(fact.Type.GetCustomAttribute<UapiStructAttribute>()!.CName, Is.EqualTo(fact.CName));
    }

    [Test]
    public void EnumsAreFourBytesWithUapiValues()
    {
        foreach (var (cName, type) in UapiFacts.EnumTypes)
        {
            Assert.That(Enum.GetUnderlyingType(type), Is.EqualTo(typeof(int)), cName);
            Assert.That(type.GetCustomAttribute<UapiEnumAttribute>()!.CName, Is.EqualTo(cName));
        }
        Assert.Multiple(() =>
        {
            Assert.That((int)OvpnProto.Tcp, Is.EqualTo(1));
            Assert.That((int)OvpnKeySlot.Secondary, Is.EqualTo(1));
            Assert.That((int)OvpnCipherAlg.AesGcm, Is.EqualTo(1));
            Assert.That((int)OvpnCipherAlg.ChaCha20Poly1305, Is.EqualTo(2));
            Assert.That((int)OvpnMode.MP, Is.EqualTo(1));
            Assert.That((int)OvpnNotifyCmd.FloatPeer, Is.EqualTo(2));
            Assert.That((int)OvpnDelPeerReason.TransportDisconnect, Is.EqualTo(4));
            Assert.That((uint)OvpnCryptoOptions.Epoch, Is.EqualTo(1u << 1), "CRYPTO_OPTIONS_EPOCH as upstream and OpenVPN's ovpn_dco_win.h");
            Assert.That(Enum.GetValues<OvpnCryptoOptions>(), Is.EqualTo(new[] { OvpnCryptoOptions.Epoch }), "no other bit");
            Assert.That((ushort)WinAddressFamily.Inet, Is.EqualTo(2));
            Assert.That((ushort)WinAddressFamily.Inet6, Is.EqualTo(23));
        });
    }

    [Test]
    public void TheAbiAssemblyIsKernelSubset()
    {
        // Structs, enums and static classes only; no reference-type instance fields; marked [KernelCode].
        var assembly = typeof(OvpnNewPeer).Assembly;
        Assert.That(assembly.GetCustomAttribute<KernelCodeAttribute>(), Is.Not.Null);
        foreach (var type in assembly.GetTypes().Where(t => t.Namespace == "OvpnDco.Uapi" && !t.IsNested))
        {
            bool staticClass = type.IsClass && type.IsAbstract && type.IsSealed;
            Assert.That(type.IsValueType || staticClass, Is.True, $"{type} is a class");
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                Assert.That(field.FieldType.IsValueType || field.FieldType.IsPointer, Is.True, $"{type}.{field.Name}");
        }
    }

    [Test]
    public void SockAddrPortsAreBigEndianOnTheWire()
    {
        var v4 = new SockAddrIn { Family = WinAddressFamily.Inet, Port = 1194 };
        var bytes = MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref v4, 1));
        Assert.That(bytes[0], Is.EqualTo(2));
        Assert.That(bytes[1], Is.EqualTo(0));
        Assert.That(bytes[2], Is.EqualTo(0x04)); // 1194 = 0x04AA, network order
        Assert.That(bytes[3], Is.EqualTo(0xAA));
        Assert.That(v4.Port, Is.EqualTo(1194));

        var v6 = new SockAddrIn6 { Family = WinAddressFamily.Inet6, Port = 0xBEEF };
        var bytes6 = MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref v6, 1));
        Assert.That(bytes6[0], Is.EqualTo(23));
        Assert.That(bytes6[2], Is.EqualTo(0xBE));
        Assert.That(bytes6[3], Is.EqualTo(0xEF));
    }

    private static byte[] Buffer(int length, ushort family)
    {
        var buffer = new byte[length];
        buffer[0] = (byte)family;
        buffer[1] = (byte)(family >> 8);
        return buffer;
    }

    [Test]
    public void KernelAddressChecks()
    {
        var inet = default(SockAddrInet);
        Assert.That(SockAddr.Validate(inet), Is.EqualTo(NtStatus.InvalidParameter));
        inet.Addr6.Family = WinAddressFamily.Inet6;
        Assert.That(SockAddr.Validate(inet), Is.EqualTo(NtStatus.Success));
        Assert.That(inet.Length, Is.EqualTo(28));
        var v4 = default(SockAddrInet);
        v4.Addr4.Family = WinAddressFamily.Inet;
        Assert.That(v4.Length, Is.EqualTo(16));
        Assert.That(SockAddr.ValidatePair(v4, inet), Is.EqualTo(NtStatus.InvalidParameter), "mixed families");
        Assert.That(SockAddr.ValidatePair(v4, v4), Is.EqualTo(NtStatus.Success));
        Assert.That(SockAddr.PrefixLength(new byte[] { 2, 0 }), Is.EqualTo(0), "AF_INET needs 16 bytes");
        Assert.That(SockAddr.PrefixLength(new byte[16] { 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }), Is.EqualTo(16));
        Assert.That(SockAddr.PrefixLength(Buffer(40, family: 23)), Is.EqualTo(28));
        Assert.That(SockAddr.PrefixLength(Buffer(27, family: 23)), Is.EqualTo(0), "AF_INET6 needs 28 bytes");
        Assert.That(SockAddr.PrefixLength(Buffer(40, family: 10)), Is.EqualTo(0), "Linux AF_INET6 (10) is not the ABI's");
        Assert.That(SockAddr.PrefixLength(ReadOnlySpan<byte>.Empty), Is.EqualTo(0));
        Assert.That(ByteOrder.Swap32(0x11223344u), Is.EqualTo(0x44332211u));
    }
}
