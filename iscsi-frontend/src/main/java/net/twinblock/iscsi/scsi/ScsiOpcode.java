package net.twinblock.iscsi.scsi;


/**
 * The SCSI commands this target implements (SPC-4, SBC-3), with what REPORT SUPPORTED
 * OPERATION CODES says about each: CDB length and CDB usage bitmap (a set bit marks a CDB bit
 * the device server looks at). Commands that live under a service action (SERVICE ACTION IN,
 * MAINTENANCE IN) are separate entries.
 */
public enum ScsiOpcode {
    TEST_UNIT_READY(0x00, Traits.CONTROL, 0x00, 0, 0, 0, 0, 0),
    REQUEST_SENSE(0x03, Traits.INFO, 0x03, 0x01, 0, 0, 0xff, 0),
    READ_6(0x08, Traits.READ, 0x08, 0x1f, 0xff, 0xff, 0xff, 0),
    WRITE_6(0x0a, Traits.WRITE, 0x0a, 0x1f, 0xff, 0xff, 0xff, 0),
    INQUIRY(0x12, Traits.INFO, 0x12, 0x01, 0xff, 0xff, 0xff, 0),
    MODE_SELECT_6(0x15, Traits.STATUS, 0x15, 0x11, 0, 0, 0xff, 0),
    RESERVE_6(0x16, Traits.STATUS, 0x16, 0, 0, 0, 0, 0),
    RELEASE_6(0x17, Traits.STATUS, 0x17, 0, 0, 0, 0, 0),
    MODE_SENSE_6(0x1a, Traits.STATUS, 0x1a, 0x08, 0xff, 0xff, 0xff, 0),
    START_STOP_UNIT(0x1b, Traits.CONTROL, 0x1b, 0x01, 0, 0x0f, 0xf7, 0),
    READ_CAPACITY_10(0x25, Traits.STATUS, 0x25, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x01, 0),
    READ_10(0x28, Traits.READ, 0x28, 0xf8, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0),
    WRITE_10(0x2a, Traits.WRITE, 0x2a, 0xf8, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0),
    WRITE_AND_VERIFY_10(0x2e, Traits.WRITE, 0x2e, 0xf2, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0),
    VERIFY_10(0x2f, Traits.VERIFY, 0x2f, 0xf6, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0),
    PRE_FETCH_10(0x34, Traits.CONTROL, 0x34, 0x02, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0),
    SYNCHRONIZE_CACHE_10(0x35, Traits.CONTROL, 0x35, 0x02, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0),
    WRITE_SAME_10(0x41, Traits.WRITE, 0x41, 0xf8, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0),
    UNMAP(0x42, Traits.WRITE, 0x42, 0x01, 0, 0, 0, 0, 0, 0xff, 0xff, 0),
    MODE_SELECT_10(0x55, Traits.STATUS, 0x55, 0x11, 0, 0, 0, 0, 0, 0xff, 0xff, 0),
    RESERVE_10(0x56, Traits.STATUS, 0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    RELEASE_10(0x57, Traits.STATUS, 0x57, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    MODE_SENSE_10(0x5a, Traits.STATUS, 0x5a, 0x18, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, 0),
    PERSISTENT_RESERVE_IN_READ_KEYS(0x5e, 0x00, Traits.STATUS, PrCdb.IN),
    PERSISTENT_RESERVE_IN_READ_RESERVATION(0x5e, 0x01, Traits.STATUS, PrCdb.IN),
    PERSISTENT_RESERVE_IN_REPORT_CAPABILITIES(0x5e, 0x02, Traits.STATUS, PrCdb.IN),
    PERSISTENT_RESERVE_IN_READ_FULL_STATUS(0x5e, 0x03, Traits.STATUS, PrCdb.IN),
    PERSISTENT_RESERVE_OUT_REGISTER(0x5f, 0x00, Traits.STATUS, PrCdb.OUT),
    PERSISTENT_RESERVE_OUT_RESERVE(0x5f, 0x01, Traits.STATUS, PrCdb.OUT),
    PERSISTENT_RESERVE_OUT_RELEASE(0x5f, 0x02, Traits.STATUS, PrCdb.OUT),
    PERSISTENT_RESERVE_OUT_CLEAR(0x5f, 0x03, Traits.STATUS, PrCdb.OUT),
    PERSISTENT_RESERVE_OUT_PREEMPT(0x5f, 0x04, Traits.STATUS, PrCdb.OUT),
    PERSISTENT_RESERVE_OUT_PREEMPT_AND_ABORT(0x5f, 0x05, Traits.STATUS, PrCdb.OUT),
    PERSISTENT_RESERVE_OUT_REGISTER_AND_IGNORE_EXISTING_KEY(0x5f, 0x06, Traits.STATUS, PrCdb.OUT),
    PERSISTENT_RESERVE_OUT_REGISTER_AND_MOVE(0x5f, 0x07, Traits.STATUS, PrCdb.OUT),
    EXTENDED_COPY(0x83, 0x00, Traits.CONTROL, 0x83, 0x1f, 0, 0, 0, 0, 0, 0, 0, 0,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    RECEIVE_COPY_RESULTS_COPY_STATUS(0x84, 0x00, Traits.STATUS, 0x84, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    RECEIVE_COPY_RESULTS_OPERATING_PARAMETERS(0x84, 0x03, Traits.STATUS, 0x84, 0x1f, 0, 0, 0, 0, 0, 0, 0, 0,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    READ_16(0x88, Traits.READ, 0x88, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    COMPARE_AND_WRITE(0x89, Traits.WRITE, 0x89, 0xfa, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0, 0, 0, 0xff, 0, 0),
    WRITE_16(0x8a, Traits.WRITE, 0x8a, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    ORWRITE_16(0x8b, Traits.WRITE, 0x8b, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    WRITE_AND_VERIFY_16(0x8e, Traits.WRITE, 0x8e, 0xf2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    VERIFY_16(0x8f, Traits.VERIFY, 0x8f, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    PRE_FETCH_16(0x90, Traits.CONTROL, 0x90, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    SYNCHRONIZE_CACHE_16(0x91, Traits.CONTROL, 0x91, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    WRITE_SAME_16(0x93, Traits.WRITE, 0x93, 0xf9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    READ_CAPACITY_16(0x9e, 0x10, Traits.STATUS, 0x9e, 0x1f, 0, 0, 0, 0, 0, 0, 0, 0,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    GET_LBA_STATUS(0x9e, 0x12, Traits.READ, 0x9e, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    REPORT_LUNS(0xa0, Traits.INFO, 0xa0, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0),
    REPORT_TARGET_PORT_GROUPS(0xa3, 0x0a, Traits.STATUS, 0xa3, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0),
    REPORT_SUPPORTED_OPERATION_CODES(0xa3, 0x0c, Traits.STATUS, 0xa3, 0x1f, 0x87, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0, 0),
    READ_12(0xa8, Traits.READ, 0xa8, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0),
    WRITE_12(0xaa, Traits.WRITE, 0xaa, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0),
    WRITE_AND_VERIFY_12(0xae, Traits.WRITE, 0xae, 0xf2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0),
    VERIFY_12(0xaf, Traits.VERIFY, 0xaf, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0);

    /** Opcodes whose commands are told apart by the service action in CDB byte 1, bits 4..0. */
    public static final int SERVICE_ACTION_IN_16 = 0x9e;
    public static final int MAINTENANCE_IN = 0xa3;
    public static final int PERSISTENT_RESERVE_IN = 0x5e;
    public static final int PERSISTENT_RESERVE_OUT = 0x5f;

    /** CDB usage of the PERSISTENT RESERVE commands, the same for all their service actions. */
    private static final class PrCdb {
        static final int[] IN = {0x5e, 0x1f, 0, 0, 0, 0, 0, 0xff, 0xff, 0};
        static final int[] OUT = {0x5f, 0x1f, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, 0};
    }

    /** How a command relates to unit attentions, ALUA access and storage errors. */
    enum Traits {
        /** Answered for any LUN, never blocked by nor clearing a unit attention (SPC-4 §5.14). */
        INFO(false, false, true),
        /** Reports state; allowed on a port that cannot access the medium. */
        STATUS(true, false, true),
        CONTROL(true, false, false),
        READ(true, false, false),
        VERIFY(true, false, false),
        WRITE(true, true, false);

        final boolean unitAttention;
        final boolean writes;
        final boolean allowedWhenInaccessible;

        Traits(boolean unitAttention, boolean writes, boolean allowedWhenInaccessible) {
            this.unitAttention = unitAttention;
            this.writes = writes;
            this.allowedWhenInaccessible = allowedWhenInaccessible;
        }
    }

    /** Service actions are five bits (CDB byte 1); one more place per opcode for "none". */
    private static final int ACTIONS = 33;
    /** Every command by {@link #key}: looked up for every CDB, so an array, not a map of boxed keys. */
    private static final ScsiOpcode[] BY_KEY = new ScsiOpcode[256 * ACTIONS];
    /** Per opcode: known at all, and told apart by service action. */
    private static final boolean[] KNOWN = new boolean[256];
    private static final boolean[] HAS_SERVICE_ACTIONS = new boolean[256];

    static {
        for (ScsiOpcode op : values()) {
            BY_KEY[key(op.code, op.serviceAction)] = op;
            KNOWN[op.code] = true;
            HAS_SERVICE_ACTIONS[op.code] |= op.serviceAction >= 0;
        }
    }

    private final int code;
    private final int serviceAction;
    private final Traits traits;
    private final byte[] usage;

    ScsiOpcode(int code, Traits traits, int... usage) {
        this(code, -1, traits, usage);
    }

    ScsiOpcode(int code, int serviceAction, Traits traits, int... usage) {
        this.code = code;
        this.serviceAction = serviceAction;
        this.traits = traits;
        this.usage = new byte[usage.length];
        for (int i = 0; i < usage.length; i++) {
            this.usage[i] = (byte) usage[i];
        }
    }

    /** The place of a command in {@link #BY_KEY}, or -1 for a code or service action no command can have. */
    private static int key(int code, int serviceAction) {
        if (code < 0 || code > 0xff || serviceAction >= ACTIONS - 1) {
            return -1;
        }
        return code * ACTIONS + (serviceAction < 0 ? ACTIONS - 1 : serviceAction);
    }

    private static ScsiOpcode byKey(int key) {
        return key < 0 ? null : BY_KEY[key];
    }

    /** The command a CDB names, or null if this target does not implement it. */
    public static ScsiOpcode of(byte[] cdb) {
        int code = cdb[0] & 0xff;
        if (hasServiceActions(code) && cdb.length > 1) {
            return BY_KEY[key(code, cdb[1] & 0x1f)];
        }
        return BY_KEY[key(code, -1)];
    }

    /** Looks up by opcode and service action (-1 for none), as REPORT SUPPORTED OPCODES asks. */
    public static ScsiOpcode of(int code, int serviceAction) {
        return byKey(key(code, serviceAction));
    }

    /** True if the opcode is known and its commands are told apart by service action. */
    public static boolean hasServiceActions(int code) {
        return code >= 0 && code <= 0xff && HAS_SERVICE_ACTIONS[code];
    }

    /** True if some command (with or without service action) uses this opcode. */
    public static boolean isKnownOpcode(int code) {
        return code >= 0 && code <= 0xff && KNOWN[code];
    }

    public int code() {
        return code;
    }

    /** Service action, or -1 when the opcode alone names the command. */
    public int serviceAction() {
        return serviceAction;
    }

    public int cdbLength() {
        return usage.length;
    }

    /** CDB usage data for REPORT SUPPORTED OPERATION CODES (first byte is the opcode). */
    public byte[] usage() {
        return usage.clone();
    }

    /** True if a pending unit attention blocks this command (everything but INQUIRY, REPORT LUNS, REQUEST SENSE). */
    public boolean reportsUnitAttention() {
        return traits.unitAttention;
    }

    /** True if the command changes the medium (MEDIUM ERROR then says WRITE ERROR, not READ ERROR). */
    public boolean writes() {
        return traits.writes;
    }

    /** True if the command is served when this port's ALUA state denies medium access. */
    public boolean allowedWhenInaccessible() {
        return traits.allowedWhenInaccessible;
    }

    /** True if the command works for a LUN that does not exist (SPC-4 §5.14, §6.27). */
    public boolean answersForAnyLun() {
        return traits == Traits.INFO;
    }
}
