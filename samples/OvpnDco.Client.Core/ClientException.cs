using System;

namespace OvpnDco.Client;

/// <summary>What stops the client, printed as one line. <see cref="ExitCode"/>: 1 = configuration / user error,
/// 2 = device error, 4 = the server refused us or could not be verified (TLS, certificates, tls-crypt, AUTH_FAILED).</summary>
public sealed class ClientException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>Retrying cannot help (the server's certificate was refused, the config is wrong): stop at once.</summary>
    public bool Permanent { get; init; }
}
