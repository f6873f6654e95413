package net.twinblock.iscsi.login;

/** The CSG/NSG values of Login PDUs (RFC 7143 §11.12.3). 2 is reserved. */
public enum LoginStage {
    SECURITY(0),
    OPERATIONAL(1),
    FULL_FEATURE(3);

    private final int code;

    LoginStage(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** @return the stage for a 2-bit field, or null for the reserved value 2. */
    public static LoginStage of(int code) {
        return switch (code & 0x03) {
            case 0 -> SECURITY;
            case 1 -> OPERATIONAL;
            case 3 -> FULL_FEATURE;
            default -> null;
        };
    }
}
