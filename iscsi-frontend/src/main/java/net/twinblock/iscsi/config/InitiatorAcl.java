package net.twinblock.iscsi.config;

import java.util.Objects;

/**
 * One initiator that may log in, as in LIO's node ACLs: its IQN and, optionally, CHAP
 * credentials of its own ({@link ChapConfig#NONE} to use the target's).
 */
public record InitiatorAcl(String iqn, ChapConfig chap) {
    public InitiatorAcl {
        Objects.requireNonNull(iqn, "iqn");
        chap = chap == null ? ChapConfig.NONE : chap;
    }
}
