package net.twinblock.mirror.link;

/** The outcome a WRITE_ACK or FLUSH_ACK reports, in the header's argument. */
public enum AckStatus {
    OK(0),
    /** The secondary's disk failed the write or the fdatasync. */
    IO_ERROR(1),
    /** Offset or length outside the secondary's volume: the two sides disagree on the volume. */
    OUT_OF_RANGE(2),
    /** The secondary's thin file system is full. */
    NO_SPACE(3),
    /** The secondary cannot take writes right now (closing, resyncing); the primary may retry. */
    NOT_READY(4);

    /** By code: {@code values()} copies its array on every call, and every acknowledgement looks one up. */
    private static final AckStatus[] BY_CODE;

    private final int code;

    AckStatus(int code) {
        this.code = code;
    }

    static {
        AckStatus[] all = values();
        BY_CODE = new AckStatus[java.util.Arrays.stream(all).mapToInt(AckStatus::code).max().orElse(0) + 1];
        for (AckStatus s : all) {
            BY_CODE[s.code] = s;
        }
    }

    public int code() {
        return code;
    }

    /** Null for an unknown code. */
    public static AckStatus of(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
