package net.twinblock.iscsi.config;

/**
 * CHAP credentials (RFC 7143 §12.1.3). When {@code user} is set the target requires CHAP:
 * AuthMethod=None is refused. When {@code mutualUser} is also set, the initiator must ask the
 * target to authenticate itself too (mutual CHAP), or the login fails.
 *
 * @param user         name the initiator must present (CHAP_N)
 * @param secret       its secret (12..16 bytes recommended; at least 12 enforced by config)
 * @param mutualUser   name the target presents in mutual CHAP, or null
 * @param mutualSecret the target's secret for mutual CHAP, or null
 */
public record ChapConfig(String user, String secret, String mutualUser, String mutualSecret) {
    public static final ChapConfig NONE = new ChapConfig(null, null, null, null);

    public boolean required() {
        return user != null;
    }

    public boolean mutual() {
        return mutualUser != null;
    }
}
