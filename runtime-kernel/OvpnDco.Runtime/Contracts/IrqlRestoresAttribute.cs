using System;

namespace OvpnDco.Runtime;

/// <summary>
/// On a parameter: the IRQL a raising call saved (<see cref="IrqlRaisesAttribute"/>), restored by this method (a
/// spin-lock release). On a method without such a parameter (the platform keeps the saved level itself): the method
/// ends the raised region. Either way OVD0016 takes the code after the call to run at the caller's own level again.
/// Emitted as <c>_IRQL_restores_</c> on the parameter.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class IrqlRestoresAttribute : Attribute
{
}
