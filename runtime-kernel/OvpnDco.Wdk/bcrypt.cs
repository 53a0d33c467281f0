using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

[ExternType("BCRYPT_ALG_HANDLE", Header = "bcrypt.h", IsHandle = true)] public struct BCRYPT_ALG_HANDLE { public nint Value; }
[ExternType("BCRYPT_KEY_HANDLE", Header = "bcrypt.h", IsHandle = true)] public struct BCRYPT_KEY_HANDLE { public nint Value; }

/// <summary>The pseudo-handles of bcrypt.h (Windows 10 1903+): no BCryptOpenAlgorithmProvider, usable at DISPATCH_LEVEL.</summary>
public static class BCryptAlgorithms
{
    public const nint BCRYPT_AES_GCM_ALG_HANDLE = 0x1e1;
    public const nint BCRYPT_HKDF_ALG_HANDLE = 0x391;
    public const nint BCRYPT_CHACHA20_POLY1305_ALG_HANDLE = 0x3a1;
    public const uint BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO_VERSION = 1;
    public const uint KDF_HKDF_INFO = 0x14;
    public const uint BCRYPTBUFFER_VERSION = 0;
}

/// <summary>The nonce, AAD and tag of one AEAD operation (what BCRYPT_INIT_AUTH_MODE_INFO sets up: cbSize, version).</summary>
[ExternType("BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO", Header = "bcrypt.h")]
public unsafe struct BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO
{
    public ULONG cbSize;
    public ULONG dwInfoVersion;
    public byte* pbNonce;
    public ULONG cbNonce;
    public byte* pbAuthData;
    public ULONG cbAuthData;
    public byte* pbTag;
    public ULONG cbTag;
    public byte* pbMacContext;
    public ULONG cbMacContext;
    public ULONG cbAAD;
    public ulong cbData;
    public ULONG dwFlags;
}

[ExternType("BCryptBuffer", Header = "bcrypt.h")]
public unsafe struct BCryptBuffer
{
    public ULONG cbBuffer;
    public ULONG BufferType;
    public void* pvBuffer;
}

[ExternType("BCryptBufferDesc", Header = "bcrypt.h")]
public unsafe struct BCryptBufferDesc
{
    public ULONG ulVersion;
    public ULONG cBuffers;
    public BCryptBuffer* pBuffers;
}

/// <summary>CNG (bcrypt.h): symmetric keys over the pseudo-handles, authenticated encryption, HKDF.</summary>
public unsafe interface IBCrypt
{
    static abstract NTSTATUS BCryptGenerateSymmetricKey(BCRYPT_ALG_HANDLE algorithm, BCRYPT_KEY_HANDLE* key, byte* keyObject, ULONG keyObjectLength,
        byte* secret, ULONG secretLength, ULONG flags);
    static abstract NTSTATUS BCryptDestroyKey(BCRYPT_KEY_HANDLE key);
    static abstract NTSTATUS BCryptEncrypt(BCRYPT_KEY_HANDLE key, byte* input, ULONG inputLength, void* paddingInfo, byte* iv, ULONG ivLength,
        byte* output, ULONG outputLength, ULONG* result, ULONG flags);
    static abstract NTSTATUS BCryptDecrypt(BCRYPT_KEY_HANDLE key, byte* input, ULONG inputLength, void* paddingInfo, byte* iv, ULONG ivLength,
        byte* output, ULONG outputLength, ULONG* result, ULONG flags);
    static abstract NTSTATUS BCryptSetProperty(BCRYPT_KEY_HANDLE key, char* property, byte* input, ULONG inputLength, ULONG flags);
    static abstract NTSTATUS BCryptKeyDerivation(BCRYPT_KEY_HANDLE key, BCryptBufferDesc* parameters, byte* derivedKey, ULONG derivedKeyLength,
        ULONG* result, ULONG flags);
}

public unsafe partial struct KernelWdk : IBCrypt
{
    [Import("BCryptGenerateSymmetricKey", Header = "bcrypt.h")]
    public static extern NTSTATUS BCryptGenerateSymmetricKey(BCRYPT_ALG_HANDLE algorithm, BCRYPT_KEY_HANDLE* key, byte* keyObject, ULONG keyObjectLength,
        byte* secret, ULONG secretLength, ULONG flags);
    [Import("BCryptDestroyKey", Header = "bcrypt.h")] public static extern NTSTATUS BCryptDestroyKey(BCRYPT_KEY_HANDLE key);
    [Import("BCryptEncrypt", Header = "bcrypt.h")]
    public static extern NTSTATUS BCryptEncrypt(BCRYPT_KEY_HANDLE key, byte* input, ULONG inputLength, void* paddingInfo, byte* iv, ULONG ivLength,
        byte* output, ULONG outputLength, ULONG* result, ULONG flags);
    [Import("BCryptDecrypt", Header = "bcrypt.h")]
    public static extern NTSTATUS BCryptDecrypt(BCRYPT_KEY_HANDLE key, byte* input, ULONG inputLength, void* paddingInfo, byte* iv, ULONG ivLength,
        byte* output, ULONG outputLength, ULONG* result, ULONG flags);
    [Import("BCryptSetProperty", Header = "bcrypt.h")]
    public static extern NTSTATUS BCryptSetProperty(BCRYPT_KEY_HANDLE key, char* property, byte* input, ULONG inputLength, ULONG flags);
    [Import("BCryptKeyDerivation", Header = "bcrypt.h")]
    public static extern NTSTATUS BCryptKeyDerivation(BCRYPT_KEY_HANDLE key, BCryptBufferDesc* parameters, byte* derivedKey, ULONG derivedKeyLength,
        ULONG* result, ULONG flags);
}
