package net.twinblock.iscsi.pdu;

/**
 * Byte offsets and flag bits of the Basic Header Segment, per PDU type (RFC 7143 §11).
 * Fields common to every PDU (opcode, flags, AHS length, data segment length, LUN, ITT)
 * are in {@link Pdu}. Read and written through {@link Pdu#u8}/{@link Pdu#u32} etc.
 */
public final class Bhs {
    private Bhs() {
    }

    /** Byte 1 bit 7 in most PDUs. */
    public static final int FLAG_FINAL = 0x80;

    /** SCSI Command, 0x01 (§11.3). */
    public static final class ScsiCommand {
        public static final int FLAG_READ = 0x40;
        public static final int FLAG_WRITE = 0x20;
        public static final int ATTR_MASK = 0x07;
        public static final int EXPECTED_DATA_TRANSFER_LENGTH = 20;
        public static final int CMD_SN = 24;
        public static final int EXP_STAT_SN = 28;
        public static final int CDB = 32;
        public static final int CDB_LENGTH = 16;
        private ScsiCommand() {
        }
    }

    /** SCSI Response, 0x21 (§11.4). */
    public static final class ScsiResponse {
        public static final int FLAG_BIDI_OVERFLOW = 0x10;
        public static final int FLAG_BIDI_UNDERFLOW = 0x08;
        public static final int FLAG_OVERFLOW = 0x04;
        public static final int FLAG_UNDERFLOW = 0x02;
        public static final int RESPONSE = 2;
        public static final int STATUS = 3;
        public static final int SNACK_TAG = 20;
        public static final int STAT_SN = 24;
        public static final int EXP_CMD_SN = 28;
        public static final int MAX_CMD_SN = 32;
        public static final int EXP_DATA_SN = 36;
        public static final int BIDI_READ_RESIDUAL_COUNT = 40;
        public static final int RESIDUAL_COUNT = 44;
        private ScsiResponse() {
        }
    }

    /** SCSI Data-Out, 0x05 (§11.7). */
    public static final class DataOut {
        public static final int TTT = 20;
        public static final int EXP_STAT_SN = 28;
        public static final int DATA_SN = 36;
        public static final int BUFFER_OFFSET = 40;
        private DataOut() {
        }
    }

    /** SCSI Data-In, 0x25 (§11.7). */
    public static final class DataIn {
        public static final int FLAG_ACK = 0x40;
        public static final int FLAG_OVERFLOW = 0x04;
        public static final int FLAG_UNDERFLOW = 0x02;
        public static final int FLAG_STATUS = 0x01;
        public static final int STATUS = 3;
        public static final int TTT = 20;
        public static final int STAT_SN = 24;
        public static final int EXP_CMD_SN = 28;
        public static final int MAX_CMD_SN = 32;
        public static final int DATA_SN = 36;
        public static final int BUFFER_OFFSET = 40;
        public static final int RESIDUAL_COUNT = 44;
        private DataIn() {
        }
    }

    /** Ready To Transfer, 0x31 (§11.8). */
    public static final class R2t {
        public static final int TTT = 20;
        public static final int STAT_SN = 24;
        public static final int EXP_CMD_SN = 28;
        public static final int MAX_CMD_SN = 32;
        public static final int R2T_SN = 36;
        public static final int BUFFER_OFFSET = 40;
        public static final int DESIRED_DATA_TRANSFER_LENGTH = 44;
        private R2t() {
        }
    }

    /** NOP-Out, 0x00 (§11.18). */
    public static final class NopOut {
        public static final int TTT = 20;
        public static final int CMD_SN = 24;
        public static final int EXP_STAT_SN = 28;
        private NopOut() {
        }
    }

    /** NOP-In, 0x20 (§11.19). */
    public static final class NopIn {
        public static final int TTT = 20;
        public static final int STAT_SN = 24;
        public static final int EXP_CMD_SN = 28;
        public static final int MAX_CMD_SN = 32;
        private NopIn() {
        }
    }

    /** Task Management Function Request, 0x02 (§11.5). */
    public static final class TmfRequest {
        public static final int FUNCTION_MASK = 0x7f;
        public static final int REFERENCED_TASK_TAG = 20;
        public static final int CMD_SN = 24;
        public static final int EXP_STAT_SN = 28;
        public static final int REF_CMD_SN = 32;
        public static final int EXP_DATA_SN = 36;
        private TmfRequest() {
        }
    }

    /** Task Management Function Response, 0x22 (§11.6). */
    public static final class TmfResponse {
        public static final int RESPONSE = 2;
        public static final int STAT_SN = 24;
        public static final int EXP_CMD_SN = 28;
        public static final int MAX_CMD_SN = 32;
        private TmfResponse() {
        }
    }

    /** Login Request, 0x03, and Login Response, 0x23 (§11.12, §11.13). */
    public static final class Login {
        public static final int FLAG_TRANSIT = 0x80;
        public static final int FLAG_CONTINUE = 0x40;
        public static final int CSG_MASK = 0x0c;
        public static final int CSG_SHIFT = 2;
        public static final int NSG_MASK = 0x03;
        public static final int VERSION_MAX = 2;
        /** Version-Min in a request, Version-Active in a response. */
        public static final int VERSION_MIN_OR_ACTIVE = 3;
        public static final int ISID = 8;
        public static final int ISID_LENGTH = 6;
        public static final int TSIH = 14;
        /** Request only. */
        public static final int CID = 20;
        /** CmdSN in a request, StatSN in a response. */
        public static final int CMD_SN = 24;
        public static final int STAT_SN = 24;
        /** ExpStatSN in a request, ExpCmdSN in a response. */
        public static final int EXP_STAT_SN = 28;
        public static final int EXP_CMD_SN = 28;
        public static final int MAX_CMD_SN = 32;
        public static final int STATUS_CLASS = 36;
        public static final int STATUS_DETAIL = 37;
        private Login() {
        }
    }

    /** Text Request, 0x04, and Text Response, 0x24 (§11.10, §11.11). */
    public static final class Text {
        public static final int FLAG_CONTINUE = 0x40;
        public static final int TTT = 20;
        public static final int CMD_SN = 24;
        public static final int STAT_SN = 24;
        public static final int EXP_STAT_SN = 28;
        public static final int EXP_CMD_SN = 28;
        public static final int MAX_CMD_SN = 32;
        private Text() {
        }
    }

    /** Logout Request, 0x06, and Logout Response, 0x26 (§11.14, §11.15). */
    public static final class Logout {
        public static final int REASON_MASK = 0x7f;
        public static final int CID = 20;
        public static final int CMD_SN = 24;
        public static final int EXP_STAT_SN = 28;
        public static final int RESPONSE = 2;
        public static final int STAT_SN = 24;
        public static final int EXP_CMD_SN = 28;
        public static final int MAX_CMD_SN = 32;
        public static final int TIME2WAIT = 40;
        public static final int TIME2RETAIN = 42;
        private Logout() {
        }
    }

    /** Reject, 0x3f (§11.17). The data segment carries the rejected PDU's header. */
    public static final class Reject {
        public static final int REASON = 2;
        public static final int STAT_SN = 24;
        public static final int EXP_CMD_SN = 28;
        public static final int MAX_CMD_SN = 32;
        public static final int DATA_SN_OR_R2T_SN = 36;
        private Reject() {
        }
    }

    /** Asynchronous Message, 0x32 (§11.9). */
    public static final class AsyncMessage {
        public static final int STAT_SN = 24;
        public static final int EXP_CMD_SN = 28;
        public static final int MAX_CMD_SN = 32;
        public static final int ASYNC_EVENT = 36;
        public static final int ASYNC_VCODE = 37;
        public static final int PARAMETER1 = 38;
        public static final int PARAMETER2 = 40;
        public static final int PARAMETER3 = 42;
        private AsyncMessage() {
        }
    }

    /** SNACK Request, 0x10 (§11.16). */
    public static final class Snack {
        public static final int TYPE_MASK = 0x0f;
        public static final int TTT = 20;
        public static final int EXP_STAT_SN = 28;
        public static final int BEG_RUN = 40;
        public static final int RUN_LENGTH = 44;
        private Snack() {
        }
    }
}
