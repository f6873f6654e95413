package net.twinblock.iscsi.login;

/** When a key may be sent (RFC 7143 §13 "Use:"). */
public enum KeyUsage {
    /** Initialize only: during login, on any connection. */
    IO,
    /** Leading only: during the login of the session's first connection. */
    LO,
    /** Full feature phase only (SendTargets). */
    FFPO,
    /** Any time: login and full feature phase. */
    ALL;

    public boolean allowedInFullFeature() {
        return this == FFPO || this == ALL;
    }
}
