package net.twinblock.iscsi.login;

/** Which part of the login a key belongs to, so each is routed to the code that owns it. */
public enum KeyScope {
    /** AuthMethod and the CHAP keys: security stage only. */
    SECURITY,
    /** Operational parameters: negotiated into {@link SessionParams}. */
    OPERATIONAL,
    /** Names and addresses the two sides declare (InitiatorName, TargetName, SessionType, ...). */
    IDENTITY
}
