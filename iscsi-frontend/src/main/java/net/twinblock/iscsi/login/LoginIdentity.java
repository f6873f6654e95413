package net.twinblock.iscsi.login;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.twinblock.iscsi.config.IscsiTargetConfig;

/**
 * Who is logging in to what: InitiatorName, InitiatorAlias, TargetName and SessionType as the
 * initiator declares them (RFC 7143 §13.4-13.6, §13.21), checked once against our target.
 */
final class LoginIdentity {

    private String initiatorName;
    private String initiatorAlias;
    private String targetName;
    private String sessionType;
    private SessionType type;

    /**
     * Records the identity keys of one request. Libiscsi repeats them in its operational-stage
     * request after a security stage; a repeat with the same value is harmless and ignored, a
     * changed value is an error. Keys only a target may send are answered Reject.
     */
    List<Map.Entry<String, String>> declare(List<Map.Entry<LoginKey, String>> keys) throws LoginException {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Map.Entry<LoginKey, String> e : keys) {
            String v = e.getValue();
            switch (e.getKey()) {
                case INITIATOR_NAME -> initiatorName = same(e.getKey(), initiatorName, v);
                case INITIATOR_ALIAS -> initiatorAlias = same(e.getKey(), initiatorAlias, v);
                case TARGET_NAME -> targetName = same(e.getKey(), targetName, v);
                case SESSION_TYPE -> sessionType = same(e.getKey(), sessionType, v);
                default -> out.add(Map.entry(e.getKey().wireName(), KeyNegotiation.REJECT));
            }
        }
        return out;
    }

    private static String same(LoginKey key, String before, String now) throws LoginException {
        if (before != null && !before.equals(now)) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR,
                    key.wireName() + " changed during login from '" + before + "' to '" + now + "'");
        }
        return now;
    }

    /** True once {@link #check} has passed. */
    boolean checked() {
        return type != null;
    }

    /**
     * Checks the first request's declarations: an InitiatorName always, a known SessionType,
     * and for a normal session our TargetName (discovery sessions may omit it).
     */
    void check(IscsiTargetConfig cfg) throws LoginException {
        if (initiatorName == null || initiatorName.isEmpty()) {
            throw new LoginException(LoginStatus.MISSING_PARAMETER, "no InitiatorName in the first login request");
        }
        SessionType t;
        if (sessionType == null || sessionType.equals("Normal")) {
            t = SessionType.NORMAL;
        } else if (sessionType.equals("Discovery")) {
            t = SessionType.DISCOVERY;
        } else {
            throw new LoginException(LoginStatus.SESSION_TYPE_NOT_SUPPORTED,
                    "SessionType=" + sessionType + " is not supported");
        }
        if (t == SessionType.NORMAL) {
            if (targetName == null || targetName.isEmpty()) {
                throw new LoginException(LoginStatus.MISSING_PARAMETER, "no TargetName for a normal session");
            }
            // iSCSI names are compared after stringprep folding, which lower-cases (RFC 3722).
            if (!targetName.equalsIgnoreCase(cfg.targetName())) {
                throw new LoginException(LoginStatus.NOT_FOUND, "no target named " + targetName);
            }
        }
        type = t;
    }

    String initiatorName() {
        return initiatorName;
    }

    String initiatorAlias() {
        return initiatorAlias;
    }

    String targetName() {
        return targetName;
    }

    /** Null until {@link #check} passed. */
    SessionType type() {
        return type;
    }
}
