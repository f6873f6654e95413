package net.twinblock.iscsi.login;

/** How a key's outcome is decided (RFC 7143 §6.2, §13). */
public enum KeyType {
    /** Each side states its own value; no answer is needed and none changes it. */
    DECLARATIVE,
    /** The acceptor picks the first value it supports from the originator's list. */
    LIST,
    /** Yes only if both say Yes. */
    BOOLEAN_AND,
    /** Yes if either says Yes. */
    BOOLEAN_OR,
    /** The smaller of the two numbers. */
    NUMERICAL_MIN,
    /** The larger of the two numbers. */
    NUMERICAL_MAX,
    /** Removed by RFC 7143 (§13.26 markers); always answered Reject. */
    OBSOLETE
}
