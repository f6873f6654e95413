package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.RawPdu;
import org.junit.jupiter.api.AfterAll;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile host against a real node's limits: a connection flood from one address, connections
 * from many, more sessions than an initiator may have, and a flood of immediate commands. Each is
 * held to its bound while a well-behaved host logs in and does its I/O.
 */
class ResourceLimitsTest {

    private static final int PER_ADDRESS = 8;
    private static final int TOTAL = 24;
    private static final int IMMEDIATE_BOUND = 32;
    private static final int WRITE = 0x20;
    private static NodeProcess node;

    @BeforeAll
    static void startNode() {
        node = NodeProcess.builder()
                .arg("--iscsi.max-connections=" + TOTAL)
                .arg("--iscsi.max-connections-per-address=" + PER_ADDRESS)
                .arg("--iscsi.max-sessions-per-initiator=2")
                .start();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.assertNoLeaks();
            node.close();
        }
    }

    @BeforeEach
    void noConnectionLeftFromAnotherTest() {
        Awaitility.await("the node saw earlier connections close").atMost(Duration.ofSeconds(30))
                .until(() -> NodeMetrics.value(node, "twinblock_iscsi_connections") == 0);
    }

    /** Opens {@code n} TCP connections from {@code localHost}; returns how many the node closed at once. */
    private static int flood(String localHost, int n, List<Socket> keep) throws IOException {
        int closed = 0;
        List<Socket> opened = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            keep.add(s);
            s.bind(new InetSocketAddress(localHost, 0));
            s.connect(new InetSocketAddress("127.0.0.1", node.iscsiPort()), 10_000);
            opened.add(s);
        }
        for (Socket s : opened) {
            // A refused connection reads end-of-stream at once; an admitted one waits for our login.
            s.setSoTimeout(1000);
            try {
                if (s.getInputStream().read() < 0) {
                    closed++;
                }
            } catch (SocketTimeoutException stillOpen) {
                // admitted
            } catch (IOException reset) {
                closed++;
            }
        }
        return closed;
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** A well-behaved host: logs in from 127.0.0.1, writes a block and reads it back. */
    private static void wellBehavedHostDoesIo(String name) throws IOException {
        try (IscsiConnection c = IscsiConnection.login(node.iscsiPort(), "iqn.2026-01.net.twinblock.it:" + name,
                node.iqn())) {
            c.awaitUnitReady(0);
            byte[] block = new byte[512];
            ThreadLocalRandom.current().nextBytes(block);
            assertTrue(c.write16(0, 100, block, 512, false).good());
            assertArrayEquals(block, c.read16(0, 100, 1, 512).data());
        }
    }

    @Test
    void aConnectionFloodFromOneAddressKeepsItsShareAndOthersGetIn() throws IOException {
        List<Socket> flood = new ArrayList<>();
        try {
            long refusedBefore = NodeMetrics.value(node, "twinblock_iscsi_connections_refused_total");
            int closed = flood("127.0.0.2", 200, flood);
            assertEquals(200 - PER_ADDRESS, closed, "all but the address's share closed at accept");
            wellBehavedHostDoesIo("during-flood");
            assertEquals(refusedBefore + 200 - PER_ADDRESS,
                    NodeMetrics.value(node, "twinblock_iscsi_connections_refused_total"));
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> NodeMetrics.value(node, "twinblock_iscsi_connections") == PER_ADDRESS);
        } finally {
            closeAll(flood);
        }
    }

    @Test
    void theTotalIsHeldAcrossAddressesWhileALoggedInHostGoesOn() throws IOException {
        List<Socket> flood = new ArrayList<>();
        try (IscsiConnection host = IscsiConnection.login(node.iscsiPort(), "iqn.2026-01.net.twinblock.it:before",
                node.iqn())) {
            host.awaitUnitReady(0);
            int closed = 0;
            for (int a = 10; a < 15; a++) {
                closed += flood("127.0.0." + a, PER_ADDRESS, flood);
            }
            // 1 host + 5 addresses x 8: the node kept TOTAL and closed the rest.
            assertEquals(1 + 5 * PER_ADDRESS - TOTAL, closed);
            assertTrue(host.testUnitReady(0).good(), "the host logged in before keeps its session");
        } finally {
            closeAll(flood);
        }
    }

    @Test
    void anInitiatorPastItsSessionsIsToldOutOfResources() throws IOException {
        String iqn = "iqn.2026-01.net.twinblock.it:greedy";
        try (IscsiConnection one = IscsiConnection.login(node.iscsiPort(), iqn, node.iqn());
             IscsiConnection two = IscsiConnection.login(node.iscsiPort(), iqn, node.iqn());
             IscsiConnection three = IscsiConnection.connect(node.iscsiPort())) {
            IscsiConnection.LoginRejectedException e = assertThrows(IscsiConnection.LoginRejectedException.class,
                    () -> three.login(iqn, node.iqn()));
            assertEquals(0x0302, e.statusClass() << 8 | e.statusDetail(), "target error: out of resources");
            assertTrue(one.testUnitReady(0).status() >= 0 && two.testUnitReady(0).status() >= 0);
        }
    }

    @Test
    void anImmediateCommandFloodIsBounded() throws IOException {
        try (IscsiConnection c = IscsiConnection.login(node.iscsiPort(), "iqn.2026-01.net.twinblock.it:flood",
                node.iqn())) {
            c.awaitUnitReady(0);
            int sent = 200;
            for (int i = 0; i < sent; i++) {
                // A one-block write whose data never comes: each stays in the target until the session ends.
                RawPdu cmd = c.scsiCommand(0, new byte[] {0x2a, 0, 0, 0, 0, (byte) i, 0, 0, 1, 0},
                        RawPdu.FINAL | WRITE, 512, new byte[0]);
                cmd.byteAt(0, RawPdu.IMMEDIATE | RawPdu.SCSI_COMMAND);
                c.send(cmd);
            }
            int r2ts = 0;
            int rejects = 0;
            while (r2ts + rejects < sent) {
                RawPdu pdu = c.receive();
                if (pdu.opcode() == RawPdu.R2T) {
                    r2ts++;
                } else if (pdu.opcode() == RawPdu.REJECT) {
                    assertEquals(0x06, pdu.byteAt(2), "immediate command reject: too many immediate commands");
                    rejects++;
                } else {
                    throw new AssertionError("unexpected " + pdu);
                }
            }
            assertEquals(IMMEDIATE_BOUND, r2ts, "only the bound's worth was taken in");
            assertEquals(sent - IMMEDIATE_BOUND, rejects);
            wellBehavedHostDoesIo("beside-a-flood");
        }
    }
}
