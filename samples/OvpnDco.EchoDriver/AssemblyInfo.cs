[assembly: OvpnDco.Runtime.KernelCode]
