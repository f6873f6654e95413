package net.twinblock.iscsi.login;

/** Login Response Status-Class and Status-Detail (RFC 7143 §11.13.5). */
public enum LoginStatus {
    SUCCESS(0x00, 0x00),
    INITIATOR_ERROR(0x02, 0x00),
    AUTHENTICATION_FAILURE(0x02, 0x01),
    AUTHORIZATION_FAILURE(0x02, 0x02),
    NOT_FOUND(0x02, 0x03),
    UNSUPPORTED_VERSION(0x02, 0x05),
    MISSING_PARAMETER(0x02, 0x07),
    SESSION_TYPE_NOT_SUPPORTED(0x02, 0x09),
    SESSION_DOES_NOT_EXIST(0x02, 0x0a),
    INVALID_DURING_LOGIN(0x02, 0x0b),
    TARGET_ERROR(0x03, 0x00),
    /** The target cannot take the session now; the initiator may retry later. */
    OUT_OF_RESOURCES(0x03, 0x02);

    private final int statusClass;
    private final int detail;

    LoginStatus(int statusClass, int detail) {
        this.statusClass = statusClass;
        this.detail = detail;
    }

    public int statusClass() {
        return statusClass;
    }

    public int detail() {
        return detail;
    }

    /** Class and detail as one 16-bit number, as initiators log it (0x0201). */
    public int code() {
        return statusClass << 8 | detail;
    }
}
