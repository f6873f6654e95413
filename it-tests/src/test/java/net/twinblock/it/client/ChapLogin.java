package net.twinblock.it.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The security stage of a login with CHAP (RFC 7143 §12.1.3), as open-iscsi runs it, over an
 * {@link IscsiConnection}: AuthMethod=CHAP, CHAP_A with the algorithms we offer, then our answer
 * (and, for mutual CHAP, our challenge, whose answer we check). libiscsi runs MD5 only; this is
 * how the tests log in with SHA-256 (CHAP_A=7).
 */
public final class ChapLogin {

    /**
     * @param user         our CHAP name
     * @param secret       our secret, as text
     * @param targetUser   the name the target must answer with in mutual CHAP, or null for one-way
     * @param targetSecret the target's secret in mutual CHAP
     */
    public record Credentials(String user, String secret, String targetUser, String targetSecret) {
        public static Credentials oneWay(String user, String secret) {
            return new Credentials(user, secret, null, null);
        }
    }

    private ChapLogin() {
    }

    /**
     * Logs {@code c} in to a normal session with CHAP, offering the CHAP_A list {@code offer}
     * (such as "7,5"). Returns the CHAP_A value the target chose.
     *
     * @throws IscsiConnection.LoginRejectedException when the target refuses
     * @throws IOException when the target's mutual CHAP answer is wrong, or the wire fails
     */
    public static int login(IscsiConnection c, String initiator, String target, String offer, Credentials cred)
            throws IOException {
        Map<String, String> first = new LinkedHashMap<>();
        first.put("InitiatorName", initiator);
        first.put("TargetName", target);
        first.put("SessionType", "Normal");
        first.put("AuthMethod", "CHAP,None");
        Map<String, String> answer = step(c, first, false);
        if (!"CHAP".equals(answer.get("AuthMethod"))) {
            throw new IOException("target did not choose CHAP: " + answer);
        }
        Map<String, String> challenge = step(c, Map.of("CHAP_A", offer), false);
        int algorithm = Integer.parseInt(challenge.get("CHAP_A"));
        int id = Integer.parseInt(challenge.get("CHAP_I"));
        byte[] theirChallenge = HexFormat.of().parseHex(challenge.get("CHAP_C").substring(2));

        Map<String, String> response = new LinkedHashMap<>();
        response.put("CHAP_N", cred.user());
        response.put("CHAP_R", hex(hash(algorithm, id, cred.secret(), theirChallenge)));
        byte[] ourChallenge = new byte[32];
        int ourId = 0;
        if (cred.targetUser() != null) {
            new SecureRandom().nextBytes(ourChallenge);
            ourId = new SecureRandom().nextInt(256);
            response.put("CHAP_I", Integer.toString(ourId));
            response.put("CHAP_C", hex(ourChallenge));
        }
        Map<String, String> last = step(c, response, true);
        if (cred.targetUser() != null) {
            String expected = hex(hash(algorithm, ourId, cred.targetSecret(), ourChallenge));
            if (!cred.targetUser().equals(last.get("CHAP_N")) || !expected.equals(last.get("CHAP_R"))) {
                throw new IOException("the target's mutual CHAP answer is wrong: " + last);
            }
        }
        Map<String, String> operational = IscsiConnection.normalSessionKeys(initiator, target);
        operational.remove("InitiatorName");
        operational.remove("TargetName");
        operational.remove("SessionType");
        c.finishLogin(operational);
        return algorithm;
    }

    /** One Login Request of the security stage; {@code transit} asks to move to the operational stage. */
    private static Map<String, String> step(IscsiConnection c, Map<String, String> keys, boolean transit)
            throws IOException {
        RawPdu rsp = c.exchange(c.loginRequest(TextKeys.encode(keys), 0, 1, transit));
        if (rsp.opcode() != RawPdu.LOGIN_RESPONSE) {
            throw new IOException("expected Login Response, got " + rsp);
        }
        if (rsp.byteAt(36) != 0) {
            throw new IscsiConnection.LoginRejectedException(rsp.byteAt(36), rsp.byteAt(37));
        }
        return TextKeys.decode(rsp.data());
    }

    /** RFC 1994 §4.1 with the algorithm CHAP_A names: 5 MD5, 7 SHA-256. */
    static byte[] hash(int algorithm, int id, String secret, byte[] challenge) throws IOException {
        String name = switch (algorithm) {
            case 5 -> "MD5";
            case 7 -> "SHA-256";
            default -> throw new IOException("target chose CHAP_A=" + algorithm + ", which we did not offer");
        };
        try {
            MessageDigest md = MessageDigest.getInstance(name);
            md.update((byte) id);
            md.update(secret.getBytes(StandardCharsets.UTF_8));
            md.update(challenge);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
