package net.twinblock.iscsi.session;

/** Task management response codes (RFC 7143 §11.6.1). */
enum TmfResponse {
    FUNCTION_COMPLETE(0),
    TASK_DOES_NOT_EXIST(1),
    LUN_DOES_NOT_EXIST(2),
    TASK_STILL_ALLEGIANT(3),
    TASK_REASSIGNMENT_NOT_SUPPORTED(4),
    FUNCTION_NOT_SUPPORTED(5),
    AUTHORIZATION_FAILED(6),
    FUNCTION_REJECTED(255);

    private final int code;

    TmfResponse(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }
}
