using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

/// <summary>The pool flags of ExAllocatePool2 (wdm.h macros).</summary>
[ExternType("POOL_FLAGS", Header = "ntddk.h")]
public enum POOL_FLAGS : ulong
{
    /// <summary>Non-paged, non-executable; the memory is zeroed (no POOL_FLAG_UNINITIALIZED).</summary>
    POOL_FLAG_NON_PAGED = 0x40,
}

/// <summary>A reader/writer spin lock: a volatile LONG (wdm.h).</summary>
[ExternType("EX_SPIN_LOCK", Header = "ntddk.h")] public enum EX_SPIN_LOCK : int { }

[ExternType("PDRIVER_OBJECT", Header = "ntddk.h", IsHandle = true)] public struct PDRIVER_OBJECT { public nint Value; }
[ExternType("PDEVICE_OBJECT", Header = "ntddk.h", IsHandle = true)] public struct PDEVICE_OBJECT { public nint Value; }
[ExternType("PIRP", Header = "ntddk.h", IsHandle = true)] public struct PIRP { public nint Value; }
[ExternType("PMDL", Header = "ntddk.h", IsHandle = true)] public struct PMDL { public nint Value; }

/// <summary>The IO_STATUS_BLOCK of an IRP (Irp->IoStatus), read when a WSK request completes.</summary>
[ExternType("IO_STATUS_BLOCK", Header = "ntddk.h")]
public struct IO_STATUS_BLOCK
{
    public NTSTATUS Status;
    public nuint Information;
}

/// <summary>The I/O request packet: only what a WSK client reads when its request completes (Irp->IoStatus).</summary>
[ExternType("IRP", Header = "ntddk.h")]
public struct IRP
{
    public IO_STATUS_BLOCK IoStatus;
}

/// <summary>A memory descriptor list: what a receive indication's walk reads (the chain and each piece's length).</summary>
[ExternType("MDL", Header = "ntddk.h")]
public unsafe struct MDL
{
    public MDL* Next;
    public ULONG ByteCount;
}

/// <summary>MmGetSystemAddressForMdlSafe's priority: NormalPagePriority | MdlMappingNoExecute (wdm.h).</summary>
public static class MmConstants
{
    public const uint NormalPagePriority = 16;
    public const uint MdlMappingNoExecute = 0x40000000;
}

/// <summary>Rundown protection: users acquire and release, the owner waits for them and refuses new ones.</summary>
[ExternType("EX_RUNDOWN_REF", Header = "ntddk.h")]
public struct EX_RUNDOWN_REF
{
    /// <summary>A member of the header's anonymous union (ULONG_PTR).</summary>
    public nuint Count;
}

/// <summary>A deferred procedure call: runs its routine at DISPATCH_LEVEL soon after it is queued, never while the queuing CPU holds a spin lock.</summary>
[ExternType("KDPC", Header = "ntddk.h")] public struct KDPC { }

/// <summary>Executive, kernel and I/O manager routines of wdm.h the platform calls.</summary>
public unsafe interface IWdm
{
    static abstract void* ExAllocatePool2(POOL_FLAGS flags, nuint numberOfBytes, uint tag);
    static abstract void ExFreePoolWithTag(void* p, uint tag);
    static abstract byte ExAcquireSpinLockExclusive(EX_SPIN_LOCK* spinLock);
    static abstract void ExReleaseSpinLockExclusive(EX_SPIN_LOCK* spinLock, byte oldIrql);
    static abstract byte ExAcquireSpinLockShared(EX_SPIN_LOCK* spinLock);
    static abstract void ExReleaseSpinLockShared(EX_SPIN_LOCK* spinLock, byte oldIrql);
    /// <summary>100 ns units since boot, not counting sleep; a macro over KUSER_SHARED_DATA on x64/ARM64.</summary>
    static abstract ulong KeQueryInterruptTime();
    static abstract uint KeGetCurrentProcessorIndex();
    static abstract byte KeGetCurrentIrql();
    static abstract void ExInitializeRundownProtection(EX_RUNDOWN_REF* runRef);
    static abstract void ExReInitializeRundownProtection(EX_RUNDOWN_REF* runRef);
    static abstract bool ExAcquireRundownProtection(EX_RUNDOWN_REF* runRef);
    static abstract void ExReleaseRundownProtection(EX_RUNDOWN_REF* runRef);
    /// <summary>PASSIVE_LEVEL: waits until every holder released, and makes later acquisitions fail.</summary>
    static abstract void ExWaitForRundownProtectionRelease(EX_RUNDOWN_REF* runRef);

    // DPCs: work that must not run inside the caller's locks (KDEFERRED_ROUTINE: Dpc, DeferredContext, SystemArgument1, SystemArgument2).
    static abstract void KeInitializeDpc(KDPC* dpc, delegate* unmanaged<KDPC*, void*, void*, void*, void> deferredRoutine, void* deferredContext);
    /// <summary>Queues the DPC; false when it is already queued (it runs once for both).</summary>
    static abstract bool KeInsertQueueDpc(KDPC* dpc, void* systemArgument1, void* systemArgument2);
    /// <summary>PASSIVE_LEVEL: returns when every DPC queued before the call has run.</summary>
    static abstract void KeFlushQueuedDpcs();

    // IRPs and MDLs of WSK requests (the transport's buffers): DISPATCH_LEVEL or below.
    static abstract PIRP IoAllocateIrp(sbyte stackSize, bool chargeQuota);
    static abstract void IoFreeIrp(PIRP irp);
    static abstract void IoReuseIrp(PIRP irp, NTSTATUS status);
    static abstract void IoSetCompletionRoutine(PIRP irp, delegate* unmanaged<PDEVICE_OBJECT, PIRP, void*, NTSTATUS> completionRoutine,
        void* context, bool invokeOnSuccess, bool invokeOnError, bool invokeOnCancel);
    static abstract PMDL IoAllocateMdl(void* virtualAddress, ULONG length, bool secondaryBuffer, bool chargeQuota, PIRP irp);
    static abstract void IoFreeMdl(PMDL mdl);
    static abstract void MmBuildMdlForNonPagedPool(PMDL mdl);
    /// <summary>FORCEINLINE: the MDL's system address (mapping it if needed); null when the mapping fails.</summary>
    static abstract void* MmGetSystemAddressForMdlSafe(PMDL mdl, ULONG priority);
}

public unsafe partial struct KernelWdk : IWdm
{
    [Import("ExAllocatePool2", Header = "ntddk.h")] public static extern void* ExAllocatePool2(POOL_FLAGS flags, nuint numberOfBytes, uint tag);
    [Import("ExFreePoolWithTag", Header = "ntddk.h")] public static extern void ExFreePoolWithTag(void* p, uint tag);
    [Import("ExAcquireSpinLockExclusive", Header = "ntddk.h")] public static extern byte ExAcquireSpinLockExclusive(EX_SPIN_LOCK* spinLock);
    [Import("ExReleaseSpinLockExclusive", Header = "ntddk.h")] public static extern void ExReleaseSpinLockExclusive(EX_SPIN_LOCK* spinLock, byte oldIrql);
    [Import("ExAcquireSpinLockShared", Header = "ntddk.h")] public static extern byte ExAcquireSpinLockShared(EX_SPIN_LOCK* spinLock);
    [Import("ExReleaseSpinLockShared", Header = "ntddk.h")] public static extern void ExReleaseSpinLockShared(EX_SPIN_LOCK* spinLock, byte oldIrql);
    [Import("KeQueryInterruptTime", Header = "ntddk.h")] public static extern ulong KeQueryInterruptTime();
    [Import("KeGetCurrentProcessorIndex", Header = "ntddk.h")] public static extern uint KeGetCurrentProcessorIndex();
    [Import("KeGetCurrentIrql", Header = "ntddk.h")] public static extern byte KeGetCurrentIrql();
    [Import("ExInitializeRundownProtection", Header = "ntddk.h")] public static extern void ExInitializeRundownProtection(EX_RUNDOWN_REF* runRef);
    [Import("ExReInitializeRundownProtection", Header = "ntddk.h")] public static extern void ExReInitializeRundownProtection(EX_RUNDOWN_REF* runRef);
    [Import("ExAcquireRundownProtection", Header = "ntddk.h")] public static extern bool ExAcquireRundownProtection(EX_RUNDOWN_REF* runRef);
    [Import("ExReleaseRundownProtection", Header = "ntddk.h")] public static extern void ExReleaseRundownProtection(EX_RUNDOWN_REF* runRef);
    [Import("ExWaitForRundownProtectionRelease", Header = "ntddk.h")] public static extern void ExWaitForRundownProtectionRelease(EX_RUNDOWN_REF* runRef);
    [Import("KeInitializeDpc", Header = "ntddk.h")]
    public static extern void KeInitializeDpc(KDPC* dpc, delegate* unmanaged<KDPC*, void*, void*, void*, void> deferredRoutine, void* deferredContext);
    [Import("KeInsertQueueDpc", Header = "ntddk.h")] public static extern bool KeInsertQueueDpc(KDPC* dpc, void* systemArgument1, void* systemArgument2);
    [Import("KeFlushQueuedDpcs", Header = "ntddk.h")] public static extern void KeFlushQueuedDpcs();

    // IRPs for WSK requests: allocated once per socket operation slot and reused.
    [Import("IoAllocateIrp", Header = "ntddk.h")] public static extern PIRP IoAllocateIrp(sbyte stackSize, bool chargeQuota);
    [Import("IoFreeIrp", Header = "ntddk.h")] public static extern void IoFreeIrp(PIRP irp);
    [Import("IoReuseIrp", Header = "ntddk.h")] public static extern void IoReuseIrp(PIRP irp, NTSTATUS status);
    /// <summary>FORCEINLINE in wdm.h: sets the next stack location's completion routine (invoked on success, error and cancel).</summary>
    [Import("IoSetCompletionRoutine", Header = "ntddk.h")]
    public static extern void IoSetCompletionRoutine(PIRP irp, delegate* unmanaged<PDEVICE_OBJECT, PIRP, void*, NTSTATUS> completionRoutine,
        void* context, bool invokeOnSuccess, bool invokeOnError, bool invokeOnCancel);
    [Import("IoAllocateMdl", Header = "ntddk.h")] public static extern PMDL IoAllocateMdl(void* virtualAddress, ULONG length, bool secondaryBuffer, bool chargeQuota, PIRP irp);
    [Import("IoFreeMdl", Header = "ntddk.h")] public static extern void IoFreeMdl(PMDL mdl);
    [Import("MmBuildMdlForNonPagedPool", Header = "ntddk.h")] public static extern void MmBuildMdlForNonPagedPool(PMDL mdl);
    [Import("MmGetSystemAddressForMdlSafe", Header = "ntddk.h")] public static extern void* MmGetSystemAddressForMdlSafe(PMDL mdl, ULONG priority);
    [Import("RtlInitUnicodeString", Header = "ntddk.h")] public static extern void RtlInitUnicodeString(UNICODE_STRING* destination, char* source);
}
