package net.twinblock.iscsi.scsi;

/** Task attributes in the SCSI Command PDU's ATTR field (RFC 7143 §11.3.1). */
public enum TaskAttribute {
    UNTAGGED(0), SIMPLE(1), ORDERED(2), HEAD_OF_QUEUE(3), ACA(4);

    /** By code, as the other protocol enums: values() would copy the array for every command. */
    private static final TaskAttribute[] BY_CODE = new TaskAttribute[8];

    static {
        for (TaskAttribute a : values()) {
            BY_CODE[a.code] = a;
        }
    }

    private final int code;

    TaskAttribute(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The attribute of a 3-bit ATTR field; SIMPLE for a code SAM-5 reserves. */
    public static TaskAttribute of(int code) {
        TaskAttribute a = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        return a != null ? a : SIMPLE;
    }
}
