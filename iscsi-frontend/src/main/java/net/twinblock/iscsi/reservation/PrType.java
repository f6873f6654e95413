package net.twinblock.iscsi.reservation;

/**
 * Persistent reservation types (SPC-4 table 180), with the two properties that decide who may
 * do what: whether non-holders may still read, and whether every registrant holds it.
 */
public enum PrType {
    WRITE_EXCLUSIVE(0x1, false, false, false),
    EXCLUSIVE_ACCESS(0x3, true, false, false),
    WRITE_EXCLUSIVE_REGISTRANTS_ONLY(0x5, false, true, false),
    EXCLUSIVE_ACCESS_REGISTRANTS_ONLY(0x6, true, true, false),
    WRITE_EXCLUSIVE_ALL_REGISTRANTS(0x7, false, true, true),
    EXCLUSIVE_ACCESS_ALL_REGISTRANTS(0x8, true, true, true);

    private final int code;
    private final boolean exclusiveAccess;
    private final boolean registrantsMayAccess;
    private final boolean allRegistrants;

    PrType(int code, boolean exclusiveAccess, boolean registrantsMayAccess, boolean allRegistrants) {
        this.code = code;
        this.exclusiveAccess = exclusiveAccess;
        this.registrantsMayAccess = registrantsMayAccess;
        this.allRegistrants = allRegistrants;
    }

    /** The TYPE field value, or null for a code SPC-4 does not define. */
    public static PrType of(int code) {
        for (PrType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    public int code() {
        return code;
    }

    /** True for the Exclusive Access family: non-holders may not even read. */
    public boolean exclusiveAccess() {
        return exclusiveAccess;
    }

    /** True for the Registrants Only and All Registrants types: every registrant has full access. */
    public boolean registrantsMayAccess() {
        return registrantsMayAccess;
    }

    /** True for the All Registrants types: every registrant is a holder, and the key reads as 0. */
    public boolean allRegistrants() {
        return allRegistrants;
    }
}
