package net.twinblock.iscsi.login;

/** SessionType key (RFC 7143 §13.21). */
public enum SessionType {
    DISCOVERY, NORMAL
}
