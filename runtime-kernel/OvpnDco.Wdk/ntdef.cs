using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

// Scalar typedefs of ntdef.h/wdm.h that appear in pointer or callback types, where C needs the header's exact type
// (ULONG is 'unsigned long', not uint32_t's 'unsigned int'; NTSTATUS is LONG). By value, plain C# integers do.

/// <summary>NTSTATUS with the ntstatus.h names the platform returns itself (so the C says STATUS_INSUFFICIENT_RESOURCES, not -1073741670).</summary>
[ExternType("NTSTATUS", Header = "ntddk.h")]
public enum NTSTATUS : int
{
    STATUS_SUCCESS = 0,
    STATUS_UNSUCCESSFUL = unchecked((int)0xC0000001),
    STATUS_MORE_PROCESSING_REQUIRED = unchecked((int)0xC0000016),
    STATUS_INSUFFICIENT_RESOURCES = unchecked((int)0xC000009A),
}
[ExternType("ULONG", Header = "ntddk.h")] public enum ULONG : uint { }
[ExternType("LONG", Header = "ntddk.h")] public enum LONG : int { }

/// <summary>
/// SIZE_T (ULONG_PTR): 'unsigned long' on x86 where uintptr_t is 'unsigned int', so a SIZE_T* must be this type.
/// A pointer-sized scalar: read and written through <c>Value</c> like a handle.
/// </summary>
[ExternType("SIZE_T", Header = "ntddk.h", IsHandle = true)] public struct SIZE_T { public nint Value; }

/// <summary>A counted UTF-16 string (ntdef.h); <c>Buffer</c> need not be terminated.</summary>
[ExternType("UNICODE_STRING", Header = "ntddk.h")]
public unsafe struct UNICODE_STRING
{
    public ushort Length;
    public ushort MaximumLength;
    public char* Buffer;
}

/// <summary>A GUID (guiddef.h), e.g. GUID_DEVINTERFACE_NET.</summary>
[ExternType("GUID", Header = "ntddk.h")]
public unsafe struct GUID
{
    public uint Data1;
    public ushort Data2;
    public ushort Data3;
    public fixed byte Data4[8];
}
