package net.twinblock.iscsi.scsi;

/** Task attributes in the SCSI Command PDU's ATTR field (RFC 7143 §11.3.1). */
public enum TaskAttribute {
    UNTAGGED(0), SIMPLE(1), ORDERED(2), HEAD_OF_QUEUE(3), ACA(4);

    private final int code;

    TaskAttribute(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static TaskAttribute of(int code) {
        for (TaskAttribute a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        return SIMPLE;
    }
}
