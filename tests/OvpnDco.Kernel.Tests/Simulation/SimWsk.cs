using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using OvpnDco.Wdk;

namespace OvpnDco.Kernel.Tests.Simulation;

/// <summary>
/// IRPs, MDLs and WSK registration simulated: an IRP is an <see cref="IRP"/> in native memory (IoStatus first, as the
/// platform reads it); an MDL records the range it describes and whether MmBuildMdlForNonPagedPool mapped it; the WSK
/// subsystem accepts one registration per WSK_REGISTRATION, checks PASSIVE_LEVEL, counts captures and refuses to
/// deregister while the provider NPI is still captured. Every object is tracked, so a leak or a double free fails.
/// </summary>
public unsafe partial struct SimWdk
{
    public static PIRP IoAllocateIrp(sbyte stackSize, bool chargeQuota)
    {
        Assert.That(stackSize, Is.GreaterThanOrEqualTo(1), "a WSK IRP needs a stack location for the provider");
        if (S.Wsk.FailIrpAt == ++S.Wsk.IrpAllocations)
            return default;
        var irp = (IRP*)NativeMemory.AllocZeroed((nuint)sizeof(IRP));
        S.Wsk.Irps.Add((nint)irp);
        return new PIRP { Value = (nint)irp };
    }

    public static void IoFreeIrp(PIRP irp)
    {
        Assert.That(S.Wsk.Irps.Remove(irp.Value), Is.True, "IoFreeIrp of an IRP not allocated (double free?)");
        NativeMemory.Free((void*)irp.Value);
    }

    public static void IoReuseIrp(PIRP irp, NTSTATUS status)
    {
        Assert.That(S.Wsk.Irps.Contains(irp.Value), Is.True, "IoReuseIrp of an IRP not allocated");
        ((IRP*)irp.Value)->IoStatus.Status = status;
        ((IRP*)irp.Value)->IoStatus.Information = 0;
    }

    public static void IoSetCompletionRoutine(PIRP irp, delegate* unmanaged<PDEVICE_OBJECT, PIRP, void*, NTSTATUS> completionRoutine,
        void* context, bool invokeOnSuccess, bool invokeOnError, bool invokeOnCancel)
    {
        Assert.That(S.Wsk.Irps.Contains(irp.Value), Is.True, "completion routine on an IRP not allocated");
        S.Wsk.Completions[irp.Value] = ((nint)completionRoutine, (nint)context);
    }

    public static PMDL IoAllocateMdl(void* virtualAddress, ULONG length, bool secondaryBuffer, bool chargeQuota, PIRP irp)
    {
        Assert.That(secondaryBuffer, Is.False);
        Assert.That(irp.Value, Is.EqualTo((nint)0), "the MDL is the buffer's own, not attached to an IRP");
        if (S.Wsk.FailMdlAt == ++S.Wsk.MdlAllocations)
            return default;
        var h = (nint)NativeMemory.AllocZeroed((nuint)sizeof(MDL));
        ((MDL*)h)->ByteCount = length;
        S.Wsk.Mdls[h] = new SimMdl((nint)virtualAddress, (int)(uint)length);
        return new PMDL { Value = h };
    }

    public static void IoFreeMdl(PMDL mdl)
    {
        Assert.That(S.Wsk.Mdls.Remove(mdl.Value), Is.True, "IoFreeMdl of an MDL not allocated (double free?)");
        NativeMemory.Free((void*)mdl.Value);
    }

    public static void MmBuildMdlForNonPagedPool(PMDL mdl)
    {
        Assert.That(S.Wsk.Mdls.TryGetValue(mdl.Value, out var m), Is.True, "building an MDL not allocated");
        m!.Built = true;
    }

    public static void* MmGetSystemAddressForMdlSafe(PMDL mdl, ULONG priority)
    {
        Assert.That(S.Wsk.Mdls.TryGetValue(mdl.Value, out var m), Is.True, "mapping an MDL not allocated");
        Assert.That((uint)priority & 0x40000000u, Is.Not.Zero, "mapped non-executable (MdlMappingNoExecute)");
        return S.Wsk.FailMapping ? null : (void*)m!.Address;
    }

    // ---- DPCs: queued, run when the simulated CPU leaves DISPATCH_LEVEL (SimWskState.RunDpcs) ----

    public static void KeInitializeDpc(KDPC* dpc, delegate* unmanaged<KDPC*, void*, void*, void*, void> deferredRoutine, void* deferredContext) =>
        S.Wsk.Dpcs[(nint)dpc] = ((nint)deferredRoutine, (nint)deferredContext);

    public static bool KeInsertQueueDpc(KDPC* dpc, void* systemArgument1, void* systemArgument2)
    {
        Assert.That(S.Wsk.Dpcs.ContainsKey((nint)dpc), Is.True, "KeInsertQueueDpc of a DPC not initialised");
        S.Wsk.DpcInserts++;
        if (S.Wsk.QueuedDpcs.Contains((nint)dpc))
            return false;
        S.Wsk.QueuedDpcs.Add((nint)dpc);
        return true;
    }

    public static void KeFlushQueuedDpcs()
    {
        Assert.That(S.Irql, Is.Zero, "KeFlushQueuedDpcs only at PASSIVE_LEVEL");
        S.Wsk.RunDpcs();
    }

    public static NTSTATUS WskRegister(WSK_CLIENT_NPI* clientNpi, WSK_REGISTRATION* registration)
    {
        Assert.That(S.Irql, Is.Zero, "WskRegister at PASSIVE_LEVEL only");
        Assert.That(clientNpi->Dispatch->Version, Is.EqualTo(WskConstants.WskVersion1_0), "the client asks for WSK 1.0");
        if (S.Wsk.RegisterStatus != 0)
            return (NTSTATUS)S.Wsk.RegisterStatus;
        Assert.That(S.Wsk.Registrations.Add((nint)registration), Is.True, "registered twice");
        S.Wsk.ClientContext = (nint)clientNpi->ClientContext;
        return NTSTATUS.STATUS_SUCCESS;
    }

    public static void WskDeregister(WSK_REGISTRATION* registration)
    {
        Assert.That(S.Irql, Is.Zero, "WskDeregister at PASSIVE_LEVEL only");
        Assert.That(S.Wsk.CapturesOf.GetValueOrDefault((nint)registration), Is.Zero, "WskDeregister with the provider NPI still captured (it would wait forever)");
        Assert.That(S.Wsk.Registrations.Remove((nint)registration), Is.True, "deregistering what is not registered");
    }

    public static NTSTATUS WskCaptureProviderNPI(WSK_REGISTRATION* registration, ULONG waitTimeout, WSK_PROVIDER_NPI* providerNpi)
    {
        Assert.That(S.Irql, Is.Zero, "WskCaptureProviderNPI at PASSIVE_LEVEL only");
        Assert.That(S.Wsk.Registrations.Contains((nint)registration), Is.True, "capture before WskRegister");
        S.Wsk.CaptureWaits.Add((uint)waitTimeout);
        if (S.Wsk.CaptureStatus != 0)
            return (NTSTATUS)S.Wsk.CaptureStatus;
        S.Wsk.Captures++;
        S.Wsk.CapturesOf[(nint)registration] = S.Wsk.CapturesOf.GetValueOrDefault((nint)registration) + 1;
        providerNpi->Client = new PWSK_CLIENT { Value = 0x5c1e };
        providerNpi->Dispatch = SimWskProvider.Dispatch;
        return NTSTATUS.STATUS_SUCCESS;
    }

    public static void WskReleaseProviderNPI(WSK_REGISTRATION* registration)
    {
        Assert.That(S.Irql, Is.Zero, "WskReleaseProviderNPI at PASSIVE_LEVEL only");
        Assert.That(S.Wsk.CapturesOf.GetValueOrDefault((nint)registration), Is.GreaterThan(0), "released a provider NPI not captured");
        S.Wsk.Captures--;
        S.Wsk.CapturesOf[(nint)registration]--;
    }
}

public sealed class SimMdl(nint address, int length)
{
    public nint Address = address;
    public int Length = length;
    public bool Built;
}

/// <summary>The WSK/IRP/MDL part of <see cref="SimState"/>.</summary>
public sealed class SimWskState
{
    public readonly HashSet<nint> Irps = new();
    public readonly Dictionary<nint, (nint Routine, nint Context)> Completions = new();
    public readonly Dictionary<nint, SimMdl> Mdls = new();
    public int IrpAllocations;
    public int FailIrpAt = -1;
    public int MdlAllocations;
    public int FailMdlAt = -1;
    public readonly HashSet<nint> Registrations = new();
    public readonly List<uint> CaptureWaits = new();
    public int Captures;
    public readonly Dictionary<nint, int> CapturesOf = new();
    public int RegisterStatus;
    public int CaptureStatus;
    public nint ClientContext;

    // ---- the provider (SimWskProvider) ----

    /// <summary>Completions the stack has not made yet (when <see cref="Defer"/>), in order.</summary>
    public readonly List<(nint Irp, int Status, nint Information)> Pending = new();

    /// <summary>The socket a pending request (a connect) is on: WskCloseSocket cancels it.</summary>
    public readonly Dictionary<nint, nint> PendingOn = new();
    public int Cancelled;
    public bool Defer;
    public readonly List<SimSocket> Sockets = new();
    public readonly List<(byte[] Data, byte[] Remote)> Sent = new();
    public int SendAttempts;
    public int FailSendAt = -1;
    public int SocketStatus;
    public int BindStatus;
    public int ConnectStatus;
    public int Connects;

    /// <summary>What SO_WSK_EVENT_CALLBACK returns when it enables events (0: success).</summary>
    public int EventStatus;

    /// <summary>The WskSend (by attempt number) that sends only half its bytes.</summary>
    public int ShortSendAt = -1;
    public int Closes;
    public int WaitsThatDrained;
    public bool FailMapping;

    public readonly Dictionary<nint, (nint Routine, nint Context)> Dpcs = new();
    public readonly List<nint> QueuedDpcs = new();
    public int DpcInserts;

    /// <summary>What the CPU does when it drops below DISPATCH_LEVEL: the queued DPCs run (at DISPATCH_LEVEL), oldest first.</summary>
    public void RunDpcs()
    {
        while (QueuedDpcs.Count > 0)
        {
            var dpc = QueuedDpcs[0];
            QueuedDpcs.RemoveAt(0);
            var (routine, context) = Dpcs[dpc];
            byte irql = SimWdk.S.Irql;
            SimWdk.S.Irql = 2;
            SimWskCallbacks.InvokeDpc(routine, dpc, context);
            SimWdk.S.Irql = irql;
        }
    }

    /// <summary>What went wrong inside a provider call (an exception must not cross an unmanaged frame): checked at teardown.</summary>
    public readonly List<string> Errors = new();

    public SimSocket Socket => Sockets[^1];

    /// <summary>The network stack finishes the requests it held, oldest first (completions may add more).</summary>
    public void CompleteAll()
    {
        while (Pending.Count > 0)
            CompleteNext();
    }

    /// <summary>The stack completes its oldest request; then, the completion routine returned, the DPCs it queued run.</summary>
    public void CompleteNext()
    {
        var (irp, status, info) = Pending[0];
        Pending.RemoveAt(0);
        PendingOn.Remove(irp);
        SimWskProvider.Complete(irp, status, info);
        RunDpcs();
    }
}
