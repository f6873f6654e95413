package net.twinblock.iscsi.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.twinblock.iscsi.config.ChapAlgorithm;
import net.twinblock.iscsi.config.ChapConfig;

/**
 * The security stage of one login: AuthMethod, then CHAP (RFC 7143 §12.1.3, RFC 1994) with the
 * strongest {@link ChapAlgorithm} both sides have, one-way or mutual. Every failure is
 * {@link LoginStatus#AUTHENTICATION_FAILURE} with a reason fit for the log; no reason ever
 * contains a secret.
 */
final class ChapAuthenticator {

    /** RFC 7143 §12.1.3: CHAP_C is at most 1024 bytes. */
    private static final int MAX_CHALLENGE_LENGTH = 1024;

    private enum State {
        /** No AuthMethod yet. */
        START,
        /** AuthMethod=CHAP agreed: waiting for CHAP_A. */
        CHAP_CHOSEN,
        /** Challenge sent: waiting for CHAP_N and CHAP_R. */
        CHALLENGED,
        /** Authenticated, or AuthMethod=None agreed where that is allowed. */
        DONE
    }

    private final ChapConfig cfg;
    private final boolean required;
    private final List<ChapAlgorithm> allowed;
    private final SecureRandom random;
    private State state = State.START;
    private ChapAlgorithm algorithm;
    private int id;
    private byte[] challenge;
    private boolean proven;

    /**
     * @param required true when a session must authenticate (normal sessions with CHAP configured);
     *                 a discovery session may still use CHAP if the initiator asks and we have credentials
     * @param allowed  the algorithms we may choose, strongest first
     */
    ChapAuthenticator(ChapConfig cfg, boolean required, List<ChapAlgorithm> allowed, SecureRandom random) {
        this.cfg = cfg;
        this.required = required && cfg.required();
        this.allowed = allowed;
        this.random = random;
    }

    /** True once the initiator may leave the security stage. */
    boolean satisfied() {
        return state == State.DONE || (state == State.START && !required);
    }

    /** The CHAP name the initiator proved, or null if it did not authenticate with CHAP. */
    String provenName() {
        return proven ? cfg.user() : null;
    }

    /** True while a CHAP exchange has started and not finished: the stage needs more round trips. */
    boolean inProgress() {
        return state == State.CHAP_CHOSEN || state == State.CHALLENGED;
    }

    /**
     * Processes the security keys of one Login Request and returns our answers.
     *
     * @param keys         the security keys in request order
     * @param initiator    the InitiatorName, for log reasons only
     */
    List<Map.Entry<String, String>> respond(Map<LoginKey, String> keys, String initiator) throws LoginException {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        String method = keys.get(LoginKey.AUTH_METHOD);
        if (method != null) {
            chooseMethod(method, out);
        }
        if (keys.containsKey(LoginKey.CHAP_A)) {
            challenge(keys.get(LoginKey.CHAP_A), out);
        }
        if (keys.containsKey(LoginKey.CHAP_N) || keys.containsKey(LoginKey.CHAP_R)) {
            verify(keys, out);
        } else if (keys.containsKey(LoginKey.CHAP_I) || keys.containsKey(LoginKey.CHAP_C)) {
            throw fail("CHAP_I/CHAP_C sent without CHAP_N and CHAP_R");
        }
        return out;
    }

    private void chooseMethod(String offered, List<Map.Entry<String, String>> out) throws LoginException {
        if (state != State.START) {
            throw fail("AuthMethod sent again");
        }
        List<String> methods = Arrays.asList(offered.split(","));
        for (String m : methods) {
            if (m.equals("CHAP") && cfg.required()) {
                state = State.CHAP_CHOSEN;
                out.add(Map.entry(LoginKey.AUTH_METHOD.wireName(), "CHAP"));
                return;
            }
            if (m.equals(KeyNegotiation.NONE) && !required) {
                state = State.DONE;
                out.add(Map.entry(LoginKey.AUTH_METHOD.wireName(), KeyNegotiation.NONE));
                return;
            }
        }
        throw fail(required ? "CHAP is required but the initiator offered AuthMethod=" + offered
                : "no acceptable AuthMethod in " + offered + " (no CHAP credentials configured)");
    }

    private void challenge(String offered, List<Map.Entry<String, String>> out) throws LoginException {
        if (state != State.CHAP_CHOSEN) {
            throw fail("CHAP_A sent before AuthMethod=CHAP was agreed");
        }
        algorithm = strongestOffered(offered);
        if (algorithm == null) {
            throw fail("CHAP_A=" + offered + " offers none of the algorithms this target allows " + allowed);
        }
        id = random.nextInt(256);
        challenge = new byte[algorithm.length()];
        random.nextBytes(challenge);
        state = State.CHALLENGED;
        out.add(Map.entry(LoginKey.CHAP_A.wireName(), Integer.toString(algorithm.code())));
        out.add(Map.entry(LoginKey.CHAP_I.wireName(), Integer.toString(id)));
        out.add(Map.entry(LoginKey.CHAP_C.wireName(), ChapEncoding.hex(challenge)));
    }

    /**
     * The initiator lists CHAP_A values in its order of preference, and RFC 7143 §12.1.3 lets the
     * target answer with any of them: we take the strongest we allow, whatever its place in the
     * list (open-iscsi offers what node.session.auth.chap_algs names, MD5 alone by default).
     * Values we do not know (6 SHA-1, 8 SHA3-256, garbage) are skipped.
     */
    private ChapAlgorithm strongestOffered(String offered) {
        List<Integer> codes = new ArrayList<>();
        for (String v : offered.split(",")) {
            try {
                codes.add(Integer.parseInt(v.trim()));
            } catch (NumberFormatException e) {
                // not an algorithm number: nothing we could run
            }
        }
        for (ChapAlgorithm a : allowed) {
            if (codes.contains(a.code())) {
                return a;
            }
        }
        return null;
    }

    private void verify(Map<LoginKey, String> keys, List<Map.Entry<String, String>> out) throws LoginException {
        if (state != State.CHALLENGED) {
            throw fail("CHAP_N/CHAP_R sent before a challenge");
        }
        String name = keys.get(LoginKey.CHAP_N);
        String response = keys.get(LoginKey.CHAP_R);
        if (name == null || response == null) {
            throw fail("CHAP_N and CHAP_R must come together");
        }
        byte[] got = ChapEncoding.decode(response);
        if (got == null) {
            throw fail("CHAP_R is neither 0x-hex nor 0b-base64");
        }
        // Check the name and the response together and in constant time, so neither the log
        // timing nor the reply tells a prober which one was wrong.
        boolean nameOk = MessageDigest.isEqual(name.getBytes(StandardCharsets.UTF_8),
                cfg.user().getBytes(StandardCharsets.UTF_8));
        byte[] expected = algorithm.response(id, secretBytes(cfg.secret()), challenge);
        boolean responseOk = MessageDigest.isEqual(got, expected);
        if (!nameOk) {
            throw fail("unknown CHAP name '" + name + "'");
        }
        if (!responseOk) {
            throw fail("wrong CHAP response for name '" + name + "'");
        }
        proven = true;
        String mutualId = keys.get(LoginKey.CHAP_I);
        String mutualChallenge = keys.get(LoginKey.CHAP_C);
        if (mutualId == null && mutualChallenge == null) {
            if (cfg.mutual()) {
                throw fail("mutual CHAP is configured but the initiator did not challenge the target");
            }
            state = State.DONE;
            return;
        }
        if (mutualId == null || mutualChallenge == null) {
            throw fail("mutual CHAP needs both CHAP_I and CHAP_C");
        }
        if (!cfg.mutual()) {
            throw fail("initiator asked for mutual CHAP but no target credentials are configured");
        }
        int theirId = parseId(mutualId);
        byte[] theirChallenge = ChapEncoding.decode(mutualChallenge);
        if (theirChallenge == null || theirChallenge.length == 0 || theirChallenge.length > MAX_CHALLENGE_LENGTH) {
            throw fail("CHAP_C from the initiator is not a 1..1024 byte binary value");
        }
        if (Arrays.equals(theirChallenge, challenge)) {
            // RFC 7143 §12.1.3: answering our own challenge back would let an attacker replay our
            // answer to authenticate as the initiator.
            throw fail("initiator sent back the target's own challenge (reflection)");
        }
        out.add(Map.entry(LoginKey.CHAP_N.wireName(), cfg.mutualUser()));
        out.add(Map.entry(LoginKey.CHAP_R.wireName(),
                ChapEncoding.hex(algorithm.response(theirId, secretBytes(cfg.mutualSecret()), theirChallenge))));
        state = State.DONE;
    }

    private int parseId(String v) throws LoginException {
        try {
            int i = v.startsWith("0x") || v.startsWith("0X") ? Integer.parseInt(v.substring(2), 16)
                    : Integer.parseInt(v);
            if (i >= 0 && i <= 255) {
                return i;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw fail("CHAP_I=" + v + " is not a number 0..255");
    }

    /** A secret written "0x" + hex is those bytes (RFC 7143 §6.1 binary form), else its text. */
    static byte[] secretBytes(String secret) {
        byte[] binary = secret.startsWith("0x") || secret.startsWith("0X") ? ChapEncoding.decode(secret) : null;
        return binary != null ? binary : secret.getBytes(StandardCharsets.UTF_8);
    }

    private static LoginException fail(String reason) {
        return new LoginException(LoginStatus.AUTHENTICATION_FAILURE, reason);
    }
}
