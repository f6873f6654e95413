package net.twinblock.iscsi.pdu;

/** iSCSI opcodes (RFC 7143 §11.2.1.2). The low six bits of BHS byte 0. */
public enum IscsiOpcode {
    // initiator -> target
    NOP_OUT(0x00),
    SCSI_COMMAND(0x01),
    TASK_MGMT_REQUEST(0x02),
    LOGIN_REQUEST(0x03),
    TEXT_REQUEST(0x04),
    SCSI_DATA_OUT(0x05),
    LOGOUT_REQUEST(0x06),
    SNACK_REQUEST(0x10),
    // target -> initiator
    NOP_IN(0x20),
    SCSI_RESPONSE(0x21),
    TASK_MGMT_RESPONSE(0x22),
    LOGIN_RESPONSE(0x23),
    TEXT_RESPONSE(0x24),
    SCSI_DATA_IN(0x25),
    LOGOUT_RESPONSE(0x26),
    R2T(0x31),
    ASYNC_MESSAGE(0x32),
    REJECT(0x3f);

    private static final IscsiOpcode[] BY_CODE = new IscsiOpcode[64];

    static {
        for (IscsiOpcode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;

    IscsiOpcode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** @return the opcode for the low six bits of {@code b}, or null if it is not defined. */
    public static IscsiOpcode of(int b) {
        return BY_CODE[b & 0x3f];
    }
}
