// The backend this binding's entry points (../OvpnDco.Driver.Binding/Exports/DriverExports.cs) are built for.
global using TargetImports = OvpnDco.Driver.Hosted.HostedImports;
