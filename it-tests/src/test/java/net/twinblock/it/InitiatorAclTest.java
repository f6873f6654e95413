package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import net.twinblock.it.client.IscsiConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** iscsi.acl against a real node: who may log in, and who may take over whose session. */
class InitiatorAclTest {

    private static final String ALLOWED = "iqn.2026-01.net.twinblock.it:allowed";
    private static final String STRANGER = "iqn.2026-01.net.twinblock.it:stranger";

    private static NodeProcess node;

    @BeforeAll
    static void startNode() {
        node = NodeProcess.builder().arg("--iscsi.acl=" + ALLOWED).start();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void anInitiatorNotInTheAclGetsAuthorizationFailure() {
        IscsiConnection.LoginRejectedException e = assertThrows(IscsiConnection.LoginRejectedException.class,
                () -> IscsiConnection.login(node.iscsiPort(), STRANGER, node.iqn()).close());
        assertEquals(2, e.statusClass(), "initiator error class");
        assertEquals(2, e.statusDetail(), "authorization failure");
    }

    @Test
    void discoveryShowsAStrangerNoTarget() {
        ToolResult allowed = ToolResult.ok(Duration.ofSeconds(30), "iscsi-ls", "-i", ALLOWED, node.portalUrl());
        assertTrue(allowed.stdout().contains(node.iqn()), allowed::describe);
        ToolResult stranger = ToolResult.run(Duration.ofSeconds(30), "iscsi-ls", "-i", STRANGER, node.portalUrl());
        assertFalse(stranger.stdout().contains(node.iqn()), stranger::describe);
    }

    @Test
    void anotherHostCannotReinstateASessionByReusingItsIqnAndIsid() throws IOException {
        try (IscsiConnection owner = IscsiConnection.login(node.iscsiPort(), ALLOWED, node.iqn())) {
            owner.awaitUnitReady(0);
            try (IscsiConnection intruder = IscsiConnection.connect(node.iscsiPort(), "127.0.0.2", owner.isid())) {
                IscsiConnection.LoginRejectedException e = assertThrows(
                        IscsiConnection.LoginRejectedException.class, () -> intruder.login(ALLOWED, node.iqn()));
                assertEquals(0x0202, e.statusClass() << 8 | e.statusDetail());
            }
            owner.ping(); // the owner's session was not closed
            assertTrue(owner.testUnitReady(0).good());
        }
    }

    @Test
    void theSameHostReinstatesItsOwnSession() throws IOException {
        try (IscsiConnection first = IscsiConnection.login(node.iscsiPort(), ALLOWED, node.iqn());
             IscsiConnection again = IscsiConnection.connect(node.iscsiPort(), "127.0.0.1", first.isid())) {
            again.login(ALLOWED, node.iqn());
            again.awaitUnitReady(0);
        }
    }
}
