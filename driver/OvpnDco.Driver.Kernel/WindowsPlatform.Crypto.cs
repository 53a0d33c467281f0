using System;
using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// AEAD and HKDF on CNG's pseudo-handles (Windows 10 1903+: no algorithm provider to open, callable at
/// DISPATCH_LEVEL). A key object is a BCRYPT_KEY_HANDLE whose memory CNG allocates; one packet is one BCryptEncrypt or
/// BCryptDecrypt with the nonce, AAD and tag in a BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO (in place allowed).
/// </summary>
public unsafe partial struct WindowsPlatform<TWdk, TKm>
{
    /// <summary>0, -1 for an algorithm CNG is not asked for (NONE), or a failing NTSTATUS.</summary>
    public static int AeadCreate(int alg, byte* key, int keyLength, nint* handle)
    {
        *handle = 0;
        nint pseudo = alg == (int)OvpnCipherAlg.AesGcm ? BCryptAlgorithms.BCRYPT_AES_GCM_ALG_HANDLE
            : alg == (int)OvpnCipherAlg.ChaCha20Poly1305 ? BCryptAlgorithms.BCRYPT_CHACHA20_POLY1305_ALG_HANDLE
            : 0;
        if (pseudo == 0 || keyLength <= 0)
            return -1;
        var algorithm = new BCRYPT_ALG_HANDLE { Value = pseudo };
        BCRYPT_KEY_HANDLE created = default;
        var status = TWdk.BCryptGenerateSymmetricKey(algorithm, &created, null, (ULONG)0, key, (ULONG)keyLength, (ULONG)0);
        if (status != NTSTATUS.STATUS_SUCCESS)
            return (int)status;
        *handle = created.Value;
        return 0;
    }

    public static void AeadDestroy(nint* handle)
    {
        if (*handle != 0)
            _ = TWdk.BCryptDestroyKey(new BCRYPT_KEY_HANDLE { Value = *handle });
        *handle = 0;
    }

    private static BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO AuthInfo(byte* nonce, byte* aad, int aadLength, byte* tag)
    {
        // What BCRYPT_INIT_AUTH_MODE_INFO does (a macro over a struct lvalue, which C# cannot pass).
        BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO info = default;
        info.cbSize = (ULONG)sizeof(BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO);
        info.dwInfoVersion = (ULONG)BCryptAlgorithms.BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO_VERSION;
        info.pbNonce = nonce;
        info.cbNonce = (ULONG)12;
        info.pbAuthData = aadLength > 0 ? aad : null;
        info.cbAuthData = (ULONG)aadLength;
        info.pbTag = tag;
        info.cbTag = (ULONG)16;
        return info;
    }

    public static bool AeadSeal(nint key, byte* nonce, byte* aad, int aadLength, byte* plaintext, int length, byte* ciphertext, byte* tag)
    {
        if (key == 0 || length < 0 || aadLength < 0)
            return false;
        var info = AuthInfo(nonce, aad, aadLength, tag);
        ULONG written = 0;
        var status = TWdk.BCryptEncrypt(new BCRYPT_KEY_HANDLE { Value = key }, plaintext, (ULONG)length, &info, null, (ULONG)0,
            ciphertext, (ULONG)length, &written, (ULONG)0);
        return status == NTSTATUS.STATUS_SUCCESS && (int)written == length;
    }

    /// <summary>False when the tag does not verify (STATUS_AUTH_TAG_MISMATCH) or CNG fails.</summary>
    public static bool AeadOpen(nint key, byte* nonce, byte* aad, int aadLength, byte* ciphertext, int length, byte* tag, byte* plaintext)
    {
        if (key == 0 || length < 0 || aadLength < 0)
            return false;
        var info = AuthInfo(nonce, aad, aadLength, tag);
        ULONG written = 0;
        var status = TWdk.BCryptDecrypt(new BCRYPT_KEY_HANDLE { Value = key }, ciphertext, (ULONG)length, &info, null, (ULONG)0,
            plaintext, (ULONG)length, &written, (ULONG)0);
        return status == NTSTATUS.STATUS_SUCCESS && (int)written == length;
    }

    /// <summary>BCRYPT_HKDF_HASH_ALGORITHM, BCRYPT_HKDF_PRK_AND_FINALIZE and BCRYPT_SHA256_ALGORITHM as UTF-16 (with the NUL).</summary>
    private static ReadOnlySpan<char> HkdfHashAlgorithm => new[] { 'H', 'k', 'd', 'f', 'H', 'a', 's', 'h', 'A', 'l', 'g', 'o', 'r', 'i', 't', 'h', 'm', '\0' };

    private static ReadOnlySpan<char> HkdfPrkAndFinalize => new[] { 'H', 'k', 'd', 'f', 'P', 'r', 'k', 'A', 'n', 'd', 'F', 'i', 'n', 'a', 'l', 'i', 'z', 'e', '\0' };

    private static ReadOnlySpan<char> Sha256 => new[] { 'S', 'H', 'A', '2', '5', '6', '\0' };

    /// <summary>HKDF-Expand with HMAC-SHA256: the PRK is the key, finalized as a PRK; 0 or a failing NTSTATUS.</summary>
    public static int HkdfExpandSha256(byte* prk, int prkLength, byte* info, int infoLength, byte* output, int outputLength)
    {
        if (prkLength <= 0 || infoLength < 0 || outputLength <= 0)
            return unchecked((int)0xC000000D); // STATUS_INVALID_PARAMETER
        BCRYPT_KEY_HANDLE key = default;
        var status = TWdk.BCryptGenerateSymmetricKey(new BCRYPT_ALG_HANDLE { Value = BCryptAlgorithms.BCRYPT_HKDF_ALG_HANDLE }, &key, null, (ULONG)0,
            prk, (ULONG)prkLength, (ULONG)0);
        if (status != NTSTATUS.STATUS_SUCCESS)
            return (int)status;
        fixed (char* hashProperty = HkdfHashAlgorithm, finalize = HkdfPrkAndFinalize, sha256 = Sha256)
        {
            status = TWdk.BCryptSetProperty(key, hashProperty, (byte*)sha256, (ULONG)(Sha256.Length * 2), (ULONG)0);
            if (status == NTSTATUS.STATUS_SUCCESS)
                status = TWdk.BCryptSetProperty(key, finalize, null, (ULONG)0, (ULONG)0);
        }
        if (status == NTSTATUS.STATUS_SUCCESS)
        {
            BCryptBuffer buffer = default;
            buffer.cbBuffer = (ULONG)infoLength;
            buffer.BufferType = (ULONG)BCryptAlgorithms.KDF_HKDF_INFO;
            buffer.pvBuffer = info;
            BCryptBufferDesc parameters = default;
            parameters.ulVersion = (ULONG)BCryptAlgorithms.BCRYPTBUFFER_VERSION;
            parameters.cBuffers = (ULONG)1;
            parameters.pBuffers = &buffer;
            ULONG written = 0;
            status = TWdk.BCryptKeyDerivation(key, &parameters, output, (ULONG)outputLength, &written, (ULONG)0);
            if (status == NTSTATUS.STATUS_SUCCESS && (int)written != outputLength)
                status = (NTSTATUS)unchecked((int)0xC0000001);
        }
        _ = TWdk.BCryptDestroyKey(key);
        return (int)status;
    }
}
