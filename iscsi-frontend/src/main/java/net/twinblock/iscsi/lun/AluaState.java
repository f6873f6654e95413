package net.twinblock.iscsi.lun;

/** Asymmetric access states of a target port group (SPC-4 §6.37, REPORT TARGET PORT GROUPS). */
public enum AluaState {
    ACTIVE_OPTIMIZED(0x0),
    ACTIVE_NON_OPTIMIZED(0x1),
    STANDBY(0x2),
    UNAVAILABLE(0x3),
    TRANSITIONING(0xf);

    private final int code;

    AluaState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
