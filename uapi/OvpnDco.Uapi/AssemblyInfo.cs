using OvpnDco.Runtime;

// The whole ABI assembly is kernel-subset C#: the driver (compiled to C) uses these structs and constants.
[assembly: KernelCode]
