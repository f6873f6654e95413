package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import net.twinblock.it.client.ChapLogin;
import net.twinblock.it.client.ChapLogin.Credentials;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.ScsiResult;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CHAP against a real node: MD5 through libiscsi (which runs nothing else), SHA-256 (CHAP_A=7)
 * through our raw-socket initiator, one-way with the target's credentials and mutual with an
 * ACL entry's own, and the growing delay for a source that gets it wrong.
 */
class ChapTest {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
    private static final String ONE_WAY_HOST = "iqn.2026-01.net.twinblock.it:one-way";
    private static final String MUTUAL_HOST = "iqn.2026-01.net.twinblock.it:mutual";
    private static final Credentials TARGET_WIDE = Credentials.oneWay("vol0-hosts", "target-wide-secret");
    private static final Credentials MUTUAL = new Credentials("mutual-host", "mutual-host-secret-1",
            "twinblock-target", "target-answers-with-this");

    private static NodeProcess node;

    @BeforeAll
    static void startNode() {
        node = NodeProcess.builder()
                .arg("--iscsi.chap.user=" + TARGET_WIDE.user())
                .arg("--iscsi.chap.secret=" + TARGET_WIDE.secret())
                .arg("--iscsi.acl=" + ONE_WAY_HOST)
                .arg("--iscsi.acl.0.iqn=" + MUTUAL_HOST)
                .arg("--iscsi.acl.0.chap.user=" + MUTUAL.user())
                .arg("--iscsi.acl.0.chap.secret=" + MUTUAL.secret())
                .arg("--iscsi.acl.0.chap.mutual-user=" + MUTUAL.targetUser())
                .arg("--iscsi.acl.0.chap.mutual-secret=" + MUTUAL.targetSecret())
                .start();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void libiscsiLogsInWithMd5AndTheTargetsCredentials() {
        ToolResult r = ToolResult.run(TOOL_TIMEOUT, java.util.List.of("iscsi-inq", "-i", ONE_WAY_HOST,
                chapUrl(TARGET_WIDE.user(), TARGET_WIDE.secret(), "")));
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stdout().contains("Peripheral Device Type:DIRECT_ACCESS"), r::describe);
    }

    @Test
    void libiscsiRunsMutualMd5WithAnAclEntrysCredentials() {
        String mutual = "?target_user=" + MUTUAL.targetUser() + "&target_password=" + MUTUAL.targetSecret();
        ToolResult r = ToolResult.run(TOOL_TIMEOUT, java.util.List.of("iscsi-inq", "-i", MUTUAL_HOST,
                chapUrl(MUTUAL.user(), MUTUAL.secret(), mutual)));
        assertEquals(0, r.exitCode(), r::describe);

        String wrongTarget = "?target_user=" + MUTUAL.targetUser() + "&target_password=not-what-it-answers";
        ToolResult refused = ToolResult.run(TOOL_TIMEOUT, java.util.List.of("iscsi-inq", "-i", MUTUAL_HOST,
                chapUrl(MUTUAL.user(), MUTUAL.secret(), wrongTarget)));
        assertNotEquals(0, refused.exitCode(), "libiscsi must not trust a target that answers wrongly: "
                + refused.describe());
    }

    @Test
    void sha256IsChosenWhenOfferedAndTheSessionDoesIo() throws IOException {
        try (IscsiConnection c = IscsiConnection.connect(node.iscsiPort())) {
            // open-iscsi lists node.session.auth.chap_algs in its order; SHA-256 wins wherever it is.
            assertEquals(7, ChapLogin.login(c, ONE_WAY_HOST, node.iqn(), "5,7", TARGET_WIDE));
            c.awaitUnitReady(0);
            byte[] block = new byte[512];
            ThreadLocalRandom.current().nextBytes(block);
            assertTrue(c.write16(0, 8, block, 512, true).good());
            ScsiResult read = c.read16(0, 8, 1, 512);
            assertArrayEquals(block, read.data());
        }
    }

    @Test
    void mutualChapWithSha256ProvesTheTargetToo() throws IOException {
        try (IscsiConnection c = IscsiConnection.connect(node.iscsiPort())) {
            // ChapLogin checks the target's CHAP_N and its SHA-256 answer to our challenge.
            assertEquals(7, ChapLogin.login(c, MUTUAL_HOST, node.iqn(), "7", MUTUAL));
            c.awaitUnitReady(0);
        }
    }

    @Test
    void md5IsStillChosenForAnInitiatorThatOffersNothingElse() throws IOException {
        try (IscsiConnection c = IscsiConnection.connect(node.iscsiPort())) {
            assertEquals(5, ChapLogin.login(c, ONE_WAY_HOST, node.iqn(), "5", TARGET_WIDE));
        }
    }

    @Test
    void wrongAnswersAreRefusedAndTheirSourceWaitsLongerEachTime() throws IOException {
        // From an address of its own, so the delay it earns does not slow the other tests.
        Credentials wrong = Credentials.oneWay(TARGET_WIDE.user(), "not-the-secret-at-all");
        for (int attempt = 1; attempt <= 2; attempt++) {
            try (IscsiConnection c = IscsiConnection.connect(node.iscsiPort(), "127.0.0.3", randomIsid())) {
                IscsiConnection.LoginRejectedException e = assertThrows(IscsiConnection.LoginRejectedException.class,
                        () -> ChapLogin.login(c, ONE_WAY_HOST, node.iqn(), "7", wrong));
                assertEquals(0x0201, e.statusClass() << 8 | e.statusDetail(), "authentication failure");
            }
            String held = "held for " + (1000 << (attempt - 1)) + " ms after " + attempt
                    + " failed logins from 127.0.0.3";
            Awaitility.await(held).atMost(Duration.ofSeconds(10)).until(() -> node.logText().contains(held));
        }
        // Another address is not held back.
        try (IscsiConnection c = IscsiConnection.connect(node.iscsiPort(), "127.0.0.4", randomIsid())) {
            assertEquals(7, ChapLogin.login(c, ONE_WAY_HOST, node.iqn(), "7", TARGET_WIDE));
        }
        assertTrue(!node.logText().contains("from 127.0.0.4"), "127.0.0.4 was never delayed");
    }

    @Test
    void aNodeAllowingOnlySha256RefusesAnMd5OnlyInitiator() throws IOException {
        try (NodeProcess strict = NodeProcess.builder()
                .arg("--iscsi.chap.user=" + TARGET_WIDE.user())
                .arg("--iscsi.chap.secret=" + TARGET_WIDE.secret())
                .arg("--iscsi.chap.algorithms=SHA256")
                .start()) {
            String url = "iscsi://" + TARGET_WIDE.user() + "%" + TARGET_WIDE.secret() + "@127.0.0.1:"
                    + strict.iscsiPort() + "/" + strict.iqn() + "/0";
            ToolResult md5Only = ToolResult.run(TOOL_TIMEOUT, java.util.List.of("iscsi-inq", url));
            assertNotEquals(0, md5Only.exitCode(), md5Only::describe);
            assertTrue(strict.logText().contains("CHAP_A=5 offers none of the algorithms this target allows"),
                    strict.logTail(20));
            try (IscsiConnection c = IscsiConnection.connect(strict.iscsiPort(), "127.0.0.5", randomIsid())) {
                assertEquals(7, ChapLogin.login(c, ONE_WAY_HOST, strict.iqn(), "7,5", TARGET_WIDE));
            }
        }
    }

    private static String chapUrl(String user, String secret, String arguments) {
        return "iscsi://" + user + "%" + secret + "@127.0.0.1:" + node.iscsiPort() + "/" + node.iqn() + "/0"
                + arguments;
    }

    private static byte[] randomIsid() {
        byte[] isid = new byte[6];
        ThreadLocalRandom.current().nextBytes(isid);
        isid[0] = (byte) (0x80 | (isid[0] & 0x3f));
        return Arrays.copyOf(isid, 6);
    }
}
