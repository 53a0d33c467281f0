using OvpnDco.Runtime;

// The whole driver core is kernel-subset C#: the analyzers check it and ovpn-il2c compiles it to C.
[assembly: KernelCode]
