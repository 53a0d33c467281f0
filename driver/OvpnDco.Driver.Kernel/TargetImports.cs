// The backend this binding's entry points (../OvpnDco.Driver.Binding/Exports/DriverExports.cs) are built for: the
// Windows platform in C# on the real WDK.
global using TargetImports = OvpnDco.Driver.Kernel.WindowsPlatform<OvpnDco.Wdk.KernelWdk, OvpnDco.Driver.Kernel.KmBackend>;
