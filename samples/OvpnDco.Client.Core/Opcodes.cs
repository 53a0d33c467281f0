namespace OvpnDco.Client;

/// <summary>OpenVPN packet opcodes (byte 0 = opcode &lt;&lt; 3 | key id).</summary>
public static class Opcode
{
    public const byte ControlSoftResetV1 = 3;
    public const byte ControlV1 = 4;
    public const byte AckV1 = 5;
    public const byte DataV1 = 6;
    public const byte ControlHardResetClientV2 = 7;
    public const byte ControlHardResetServerV2 = 8;
    public const byte DataV2 = 9;
    public const byte ControlHardResetClientV3 = 10;
    public const byte ControlWkcV1 = 11;

    public static string Name(int op) => op switch
    {
        ControlSoftResetV1 => "P_CONTROL_SOFT_RESET_V1",
        ControlV1 => "P_CONTROL_V1",
        AckV1 => "P_ACK_V1",
        DataV1 => "P_DATA_V1",
        ControlHardResetClientV2 => "P_CONTROL_HARD_RESET_CLIENT_V2",
        ControlHardResetServerV2 => "P_CONTROL_HARD_RESET_SERVER_V2",
        DataV2 => "P_DATA_V2",
        ControlHardResetClientV3 => "P_CONTROL_HARD_RESET_CLIENT_V3",
        ControlWkcV1 => "P_CONTROL_WKC_V1",
        _ => "opcode " + op,
    };
}
