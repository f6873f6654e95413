package net.twinblock.iscsi.login;

import static net.twinblock.iscsi.login.LoginExchange.CSG_OPERATIONAL;
import static net.twinblock.iscsi.login.LoginExchange.CSG_SECURITY;
import static net.twinblock.iscsi.login.LoginExchange.INITIATOR;
import static net.twinblock.iscsi.login.LoginExchange.NSG_FULL;
import static net.twinblock.iscsi.login.LoginExchange.NSG_OPERATIONAL;
import static net.twinblock.iscsi.login.LoginExchange.T;
import static net.twinblock.iscsi.login.LoginExchange.TARGET;
import static net.twinblock.iscsi.login.LoginExchange.keys;
import static net.twinblock.iscsi.login.LoginExchange.nsg;
import static net.twinblock.iscsi.login.LoginExchange.status;
import static net.twinblock.iscsi.login.LoginExchange.transit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.twinblock.iscsi.config.ChapAlgorithm;
import net.twinblock.iscsi.config.ChapConfig;
import net.twinblock.iscsi.login.LoginStep.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CHAP (RFC 7143 §12.1.3, RFC 1994) driven through real Login PDUs, as open-iscsi runs it. */
class ChapLoginTest {

    private static final String USER = "host1-user";
    private static final String SECRET = "initiator-secret-16";
    private static final String TARGET_USER = "vol0-target";
    private static final String TARGET_SECRET = "target-secret-0016";

    private LoginExchange login;

    @AfterEach
    void releaseAll() {
        login.close();
    }

    private LoginExchange with(ChapConfig chap) {
        login = new LoginExchange(LoginExchange.config(chap));
        return login;
    }

    private static ChapConfig oneWay() {
        return new ChapConfig(USER, SECRET, null, null);
    }

    private static ChapConfig mutual() {
        return new ChapConfig(USER, SECRET, TARGET_USER, TARGET_SECRET);
    }

    /** Offers CHAP and MD5; returns the target's CHAP_A/CHAP_I/CHAP_C answer. */
    private Map<String, String> challenge() {
        Map<String, String> k = challenge("5");
        assertEquals("5", k.get("CHAP_A"));
        assertTrue(k.get("CHAP_C").matches("0x[0-9a-f]{32}"), k.get("CHAP_C"));
        return k;
    }

    /** Offers CHAP and the algorithms {@code chapA}; returns the target's CHAP_A/CHAP_I/CHAP_C answer. */
    private Map<String, String> challenge(String chapA) {
        LoginStep offer = login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "InitiatorName=" + INITIATOR,
                "TargetName=" + TARGET, "SessionType=Normal", "AuthMethod=CHAP,None");
        assertEquals(Status.CONTINUE, offer.status());
        assertEquals("CHAP", keys(offer.response()).get("AuthMethod"));
        assertFalse(transit(offer.response()), "the CHAP exchange is still to come");

        LoginStep alg = login.send(CSG_SECURITY, "CHAP_A=" + chapA);
        assertEquals(Status.CONTINUE, alg.status());
        Map<String, String> k = keys(alg.response());
        int id = Integer.parseInt(k.get("CHAP_I"));
        assertTrue(id >= 0 && id <= 255);
        return k;
    }

    private static byte[] md5(int id, String secret, byte[] challenge) throws Exception {
        return hash("MD5", id, secret, challenge);
    }

    /** RFC 1994 §4.1 computed here with the JDK's digest, not the target's code. */
    private static byte[] hash(String jcaName, int id, String secret, byte[] challenge) throws Exception {
        MessageDigest md = MessageDigest.getInstance(jcaName);
        md.update((byte) id);
        md.update(secret.getBytes(StandardCharsets.UTF_8));
        md.update(challenge);
        return md.digest();
    }

    private static String response(Map<String, String> c, String secret) throws Exception {
        String jcaName = switch (c.get("CHAP_A")) {
            case "5" -> "MD5";
            case "7" -> "SHA-256";
            default -> throw new AssertionError("target chose CHAP_A=" + c.get("CHAP_A"));
        };
        byte[] challenge = HexFormat.of().parseHex(c.get("CHAP_C").substring(2));
        return "0x" + HexFormat.of().formatHex(hash(jcaName, Integer.parseInt(c.get("CHAP_I")), secret, challenge));
    }

    private LoginStep operational() {
        return login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitialR2T=No", "ImmediateData=Yes",
                "MaxBurstLength=262144", "FirstBurstLength=65536", "MaxOutstandingR2T=1");
    }

    @Test
    void oneWayChapSucceedsAndLeadsToOperationalStage() throws Exception {
        with(oneWay());
        Map<String, String> c = challenge();
        LoginStep auth = login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "CHAP_N=" + USER,
                "CHAP_R=" + response(c, SECRET));
        assertEquals(Status.CONTINUE, auth.status());
        assertEquals(0, status(auth.response()));
        assertTrue(transit(auth.response()));
        assertEquals(1, nsg(auth.response()));
        assertFalse(keys(auth.response()).containsKey("CHAP_N"), "no mutual CHAP asked");

        LoginStep done = operational();
        assertEquals(Status.COMPLETE, done.status());
        assertEquals(1, login.admission.calls);
    }

    @Test
    void base64ResponseIsAccepted() throws Exception {
        with(oneWay());
        Map<String, String> c = challenge();
        byte[] r = HexFormat.of().parseHex(response(c, SECRET).substring(2));
        LoginStep auth = login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "CHAP_N=" + USER,
                "CHAP_R=0b" + Base64.getEncoder().encodeToString(r));
        assertEquals(0, status(auth.response()));
        assertTrue(transit(auth.response()));
    }

    @Test
    void wrongSecretIsAuthenticationFailure() throws Exception {
        with(oneWay());
        Map<String, String> c = challenge();
        LoginStep auth = login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "CHAP_N=" + USER,
                "CHAP_R=" + response(c, "not-the-secret!"));
        assertFailed(auth);
    }

    @Test
    void wrongNameIsAuthenticationFailure() throws Exception {
        with(oneWay());
        Map<String, String> c = challenge();
        assertFailed(login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "CHAP_N=someone-else",
                "CHAP_R=" + response(c, SECRET)));
    }

    @Test
    void garbledResponseIsAuthenticationFailure() throws Exception {
        with(oneWay());
        challenge();
        assertFailed(login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "CHAP_N=" + USER, "CHAP_R=0xZZ"));
    }

    @Test
    void authMethodNoneIsRefusedWhenChapIsRequired() {
        with(oneWay());
        assertFailed(login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "InitiatorName=" + INITIATOR,
                "TargetName=" + TARGET, "AuthMethod=None"));
    }

    @Test
    void skippingTheSecurityStageIsRefusedWhenChapIsRequired() {
        with(oneWay());
        assertFailed(login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitiatorName=" + INITIATOR,
                "TargetName=" + TARGET, "InitialR2T=No"));
    }

    @Test
    void leavingSecurityWithoutAuthMethodIsRefusedWhenChapIsRequired() {
        with(oneWay());
        assertFailed(login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "InitiatorName=" + INITIATOR,
                "TargetName=" + TARGET));
    }

    @Test
    void algorithmListWithNothingWeRunIsRefused() {
        with(oneWay());
        login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET,
                "AuthMethod=CHAP");
        assertFailed(login.send(CSG_SECURITY, "CHAP_A=6,8,junk"));
    }

    @Test
    void sha256IsChosenWhereverTheInitiatorListsIt() throws Exception {
        for (String offer : new String[] {"7", "5,7", "8,7,6,5"}) {
            with(oneWay());
            Map<String, String> c = challenge(offer);
            assertEquals("7", c.get("CHAP_A"), "offered " + offer);
            assertTrue(c.get("CHAP_C").matches("0x[0-9a-f]{64}"), "a 32-byte challenge: " + c.get("CHAP_C"));
            LoginStep auth = login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "CHAP_N=" + USER,
                    "CHAP_R=" + response(c, SECRET));
            assertEquals(0, status(auth.response()));
            assertTrue(transit(auth.response()));
            assertEquals(Status.COMPLETE, operational().status());
            login.close();
        }
    }

    @Test
    void anMd5AnswerToASha256ChallengeIsAuthenticationFailure() throws Exception {
        with(oneWay());
        Map<String, String> c = challenge("7,5");
        byte[] challenge = HexFormat.of().parseHex(c.get("CHAP_C").substring(2));
        String md5Answer = "0x" + HexFormat.of().formatHex(md5(Integer.parseInt(c.get("CHAP_I")), SECRET, challenge));
        assertFailed(login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "CHAP_N=" + USER, "CHAP_R=" + md5Answer));
    }

    @Test
    void mutualChapWithSha256AnswersWithSha256() throws Exception {
        with(mutual());
        Map<String, String> c = challenge("7");
        byte[] ours = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        LoginStep auth = login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "CHAP_N=" + USER,
                "CHAP_R=" + response(c, SECRET), "CHAP_I=9", "CHAP_C=0x" + HexFormat.of().formatHex(ours));
        assertEquals(0, status(auth.response()));
        Map<String, String> k = keys(auth.response());
        assertEquals(TARGET_USER, k.get("CHAP_N"));
        assertEquals("0x" + HexFormat.of().formatHex(hash("SHA-256", 9, TARGET_SECRET, ours)), k.get("CHAP_R"));
        assertEquals(Status.COMPLETE, operational().status());
    }

    @Test
    void anAlgorithmTheTargetDoesNotAllowIsNotChosen() throws Exception {
        login = new LoginExchange(LoginExchange.config(oneWay(), List.of(ChapAlgorithm.MD5)));
        assertEquals("5", challenge("7,5").get("CHAP_A"), "SHA-256 only when allowed");
        login.close();
        login = new LoginExchange(LoginExchange.config(oneWay(), List.of(ChapAlgorithm.SHA_256)));
        login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET,
                "AuthMethod=CHAP");
        assertFailed(login.send(CSG_SECURITY, "CHAP_A=5"));
    }

    @Test
    void mutualChapAnswersWithTheTargetCredentials() throws Exception {
        with(mutual());
        Map<String, String> c = challenge();
        byte[] ours = HexFormat.of().parseHex("0123456789abcdef0123456789abcdef");
        LoginStep auth = login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "CHAP_N=" + USER,
                "CHAP_R=" + response(c, SECRET), "CHAP_I=77", "CHAP_C=0x0123456789abcdef0123456789abcdef");
        assertEquals(0, status(auth.response()));
        assertTrue(transit(auth.response()));
        Map<String, String> k = keys(auth.response());
        assertEquals(TARGET_USER, k.get("CHAP_N"));
        assertEquals("0x" + HexFormat.of().formatHex(md5(77, TARGET_SECRET, ours)), k.get("CHAP_R"));
        assertEquals(Status.COMPLETE, operational().status());
    }

    @Test
    void mutualConfiguredButNotAskedIsAuthenticationFailure() throws Exception {
        with(mutual());
        Map<String, String> c = challenge();
        assertFailed(login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "CHAP_N=" + USER,
                "CHAP_R=" + response(c, SECRET)));
    }

    @Test
    void mutualAskedButNotConfiguredIsAuthenticationFailure() throws Exception {
        with(oneWay());
        Map<String, String> c = challenge();
        assertFailed(login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "CHAP_N=" + USER,
                "CHAP_R=" + response(c, SECRET), "CHAP_I=1", "CHAP_C=0x00112233445566778899aabbccddeeff"));
    }

    @Test
    void reflectedChallengeIsAuthenticationFailure() throws Exception {
        with(mutual());
        Map<String, String> c = challenge();
        LoginStep auth = login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "CHAP_N=" + USER,
                "CHAP_R=" + response(c, SECRET), "CHAP_I=" + c.get("CHAP_I"), "CHAP_C=" + c.get("CHAP_C"));
        assertFailed(auth);
    }

    @Test
    void chapResponseBeforeChallengeIsAuthenticationFailure() {
        with(oneWay());
        login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET,
                "AuthMethod=CHAP");
        assertFailed(login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "CHAP_N=" + USER, "CHAP_R=0x00"));
    }

    @Test
    void discoveryMayUseAuthMethodNoneEvenWithChapConfigured() {
        with(oneWay());
        LoginStep sec = login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "InitiatorName=" + INITIATOR,
                "SessionType=Discovery", "AuthMethod=None");
        assertEquals(0, status(sec.response()));
        assertEquals("None", keys(sec.response()).get("AuthMethod"));
        assertEquals(Status.COMPLETE,
                login.send(T | CSG_OPERATIONAL | NSG_FULL, "MaxRecvDataSegmentLength=32768").status());
    }

    @Test
    void withoutChapConfiguredAnInitiatorOfferingOnlyChapIsRefused() {
        with(ChapConfig.NONE);
        assertFailed(login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "InitiatorName=" + INITIATOR,
                "TargetName=" + TARGET, "AuthMethod=CHAP"));
    }

    private void assertFailed(LoginStep step) {
        assertEquals(Status.FAILED, step.status());
        assertEquals(0x0201, status(step.response()), String.format("0x%04x", status(step.response())));
        assertEquals(0, step.response().data().readableBytes(), "a failure reveals nothing");
        assertEquals(0, login.admission.calls);
    }
}
