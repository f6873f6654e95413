package net.twinblock.iscsi.session;

/** Task management function codes (RFC 7143 §11.5.1). */
enum TmfFunction {
    ABORT_TASK(1),
    ABORT_TASK_SET(2),
    CLEAR_ACA(3),
    CLEAR_TASK_SET(4),
    LOGICAL_UNIT_RESET(5),
    TARGET_WARM_RESET(6),
    TARGET_COLD_RESET(7),
    TASK_REASSIGN(8);

    private final int code;

    TmfFunction(int code) {
        this.code = code;
    }

    /** @return the function, or null for a code RFC 7143 does not define. */
    static TmfFunction of(int code) {
        for (TmfFunction f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }
}
