package net.twinblock.mirror.witness;

/** Why the witness (or a client) ends a connection (ERROR argument). */
public enum WitnessErrorCode {
    /** A frame out of place: a bug or another protocol. */
    PROTOCOL_ERROR(1),
    /** The proof matched no key the witness holds (or the witness's did not match the client's key). */
    AUTH_FAILED(2),
    /** The client speaks a protocol version the witness does not. */
    VERSION_MISMATCH(3),
    /** Orderly: the witness is stopping. */
    SHUTTING_DOWN(4);

    private final int code;

    WitnessErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Null for an unknown code. */
    public static WitnessErrorCode of(long code) {
        for (WitnessErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
