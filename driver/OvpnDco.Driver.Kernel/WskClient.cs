using OvpnDco.Runtime;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// The device's registration as a WSK client and the provider NPI it captured (the provider's dispatch table every
/// socket is created through). Both calls may wait for the WSK subsystem, so they run at PASSIVE_LEVEL: at device add
/// and device cleanup, never on a data path. Teardown order: every socket closed (the transport's job), then
/// WskReleaseProviderNPI, then WskDeregister (which waits for captures and sockets to go).
/// </summary>
public static unsafe class WskClient<TWdk>
    where TWdk : IWdk
{
    /// <summary>
    /// How long device add waits for the WSK subsystem to come up (ms): bounded, so a device added before TCP/IP is
    /// ready fails instead of hanging PnP.
    /// </summary>
    public const uint CaptureTimeoutMs = 10000;

    /// <summary>WskRegister then WskCaptureProviderNPI; on a failed capture the registration is undone.</summary>
    [Irql(KIrql.Passive)]
    public static NTSTATUS Register(DeviceContext* ctx)
    {
        ctx->WskDispatch.Version = WskConstants.WskVersion1_0;
        ctx->WskDispatch.Reserved = 0;
        WSK_CLIENT_NPI npi;
        npi.ClientContext = ctx;
        npi.Dispatch = &ctx->WskDispatch;
        var status = TWdk.WskRegister(&npi, &ctx->WskRegistration);
        if ((int)status < 0)
            return status;
        status = TWdk.WskCaptureProviderNPI(&ctx->WskRegistration, (ULONG)CaptureTimeoutMs, &ctx->WskProvider);
        if ((int)status < 0)
        {
            TWdk.WskDeregister(&ctx->WskRegistration);
            return status;
        }
        ctx->WskRegistered = 1;
        return status;
    }

    /// <summary>Releases the provider NPI, then deregisters; nothing when <see cref="Register"/> did not succeed.</summary>
    [Irql(KIrql.Passive)]
    public static void Unregister(DeviceContext* ctx)
    {
        if (ctx->WskRegistered == 0)
            return;
        ctx->WskRegistered = 0;
        TWdk.WskReleaseProviderNPI(&ctx->WskRegistration);
        TWdk.WskDeregister(&ctx->WskRegistration);
    }
}
