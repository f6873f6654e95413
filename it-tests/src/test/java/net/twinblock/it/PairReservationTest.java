package net.twinblock.it;

import static net.twinblock.it.ClusterCommands.RESERVATION_CONFLICT;
import static net.twinblock.it.ClusterCommands.assertHeldBy;
import static net.twinblock.it.ReservationTest.assertGood;
import static net.twinblock.it.ReservationTest.prout;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import net.twinblock.it.client.IscsiConnection;
import org.junit.jupiter.api.Test;

/**
 * Persistent reservations on a real pair, from two initiators: the pair is one SCSI device with two
 * target ports, so a reservation made through either node fences the other host off through both,
 * and the state outlives SIGKILL of the primary, promotion of the secondary, the old primary's
 * rejoin (which starts without it and gets it from the new primary), and, with APTPL, a restart of
 * both nodes.
 */
class PairReservationTest {

    private static final String HOST1 = "iqn.2026-01.net.twinblock.it:cluster-node1";
    private static final String HOST2 = "iqn.2026-01.net.twinblock.it:cluster-node2";
    private static final int WRITE_EXCLUSIVE = 0x1;
    private static final int EXCLUSIVE_ACCESS = 0x3;
    private static final long KEY1 = 0x1111_0000_0000_0001L;
    private static final long KEY2 = 0x2222_0000_0000_0002L;
    private static final int BLOCK = 512;

    @Test
    void aReservationThroughThePrimaryFencesTheOtherHostAtTheSecondaryThroughFailoverAndRejoin() throws IOException {
        try (PairProcesses pair = PairProcesses.start()) {
            byte[] holderIsid;
            try (IscsiConnection one = IscsiConnection.login(pair.primary().iscsiPort(), HOST1, pair.primary().iqn());
                 IscsiConnection two = IscsiConnection.login(pair.secondary().iscsiPort(), HOST2,
                         pair.secondary().iqn())) {
                one.awaitUnitReady(0);
                two.awaitUnitReady(0);
                holderIsid = one.isid();
                assertGood(prout(one, 0x00, 0, 0, KEY1, 0)); // REGISTER
                assertGood(prout(one, 0x01, WRITE_EXCLUSIVE, KEY1, 0, 0)); // RESERVE

                assertEquals(RESERVATION_CONFLICT, two.write16(0, 0, new byte[BLOCK], BLOCK, false).status(),
                        "the secondary enforces the reservation made through the primary");
                assertGood(two.read16(0, 0, 1, BLOCK)); // Write Exclusive: others may still read
                // Through the secondary: the primary decides, both nodes know it before GOOD.
                assertGood(prout(two, 0x00, 0, 0, KEY2, 0));
                assertEquals(2, ClusterCommands.readKeys(one).length, "both keys, read at the primary");
                assertEquals(RESERVATION_CONFLICT, prout(two, 0x01, WRITE_EXCLUSIVE, KEY2, 0, 0).status(),
                        "a second holder is refused, through whichever node");
            }

            PairProcesses.kill(pair.primary());
            await("secondary sees its primary gone").atMost(Duration.ofSeconds(30))
                    .until(() -> "connecting".equals(PairProcesses.mirrorState(pair.secondary())));
            ToolResult promoted = PairProcesses.promote(pair.secondary());
            assertEquals(0, promoted.exitCode(), promoted.describe());
            try (IscsiConnection two = IscsiConnection.login(pair.secondary().iscsiPort(), HOST2,
                    pair.secondary().iqn())) {
                two.awaitUnitReady(0);
                assertHeldBy(two, KEY1, WRITE_EXCLUSIVE);
                assertEquals(RESERVATION_CONFLICT, two.write16(0, 0, new byte[BLOCK], BLOCK, false).status(),
                        "the promoted node still enforces the reservation");
            }

            // The old primary restarts from its files (no APTPL): what it enforces now came over the link.
            NodeProcess rejoined = pair.rejoinFirstPrimaryAsSecondary();
            try (IscsiConnection two = IscsiConnection.login(rejoined.iscsiPort(), HOST2, rejoined.iqn());
                 IscsiConnection one = IscsiConnection.connect(rejoined.iscsiPort(), "127.0.0.1", holderIsid)) {
                one.login(HOST1, rejoined.iqn());
                one.awaitUnitReady(0);
                two.awaitUnitReady(0);
                assertHeldBy(two, KEY1, WRITE_EXCLUSIVE);
                assertEquals(RESERVATION_CONFLICT, two.write16(0, 0, new byte[BLOCK], BLOCK, false).status());
                assertGood(one.write16(0, 0, new byte[BLOCK], BLOCK, false)); // the holder, through its own port
            }
            assertEquals(0, rejoined.stop());
            assertEquals(0, pair.secondary().stop());
        }
    }

    @Test
    void anAptplReservationMadeThroughTheSecondaryOutlivesARestartOfBothNodes() throws IOException {
        try (PairProcesses pair = PairProcesses.start()) {
            byte[] holderIsid;
            try (IscsiConnection two = IscsiConnection.login(pair.secondary().iscsiPort(), HOST2,
                    pair.secondary().iqn())) {
                two.awaitUnitReady(0);
                holderIsid = two.isid();
                assertGood(prout(two, 0x00, 0, 0, KEY2, 0x01)); // REGISTER with APTPL
                assertGood(prout(two, 0x01, EXCLUSIVE_ACCESS, KEY2, 0, 0));
            }
            assertTrue(Files.exists(pair.primary().dataDir().resolve("lun0.pr")), "the primary's APTPL file");
            assertTrue(Files.exists(pair.secondary().dataDir().resolve("lun0.pr")), "the secondary's APTPL file");
            assertEquals(0, pair.secondary().stop());
            assertEquals(0, pair.primary().stop());
            pair.restartPrimaryAsConfigured();
            pair.restartSecondary();

            try (IscsiConnection one = IscsiConnection.login(pair.primary().iscsiPort(), HOST1, pair.primary().iqn());
                 IscsiConnection two = IscsiConnection.connect(pair.secondary().iscsiPort(), "127.0.0.1",
                         holderIsid)) {
                two.login(HOST2, pair.secondary().iqn());
                one.awaitUnitReady(0);
                two.awaitUnitReady(0);
                assertHeldBy(one, KEY2, EXCLUSIVE_ACCESS);
                assertEquals(RESERVATION_CONFLICT, one.read16(0, 0, 1, BLOCK).status());
                assertGood(two.read16(0, 0, 1, BLOCK)); // the holder, back through the secondary's port
                assertGood(prout(two, 0x03, 0, KEY2, 0, 0)); // CLEAR, through the secondary
                assertGood(one.read16(0, 0, 1, BLOCK));
            }
            assertEquals(0, pair.primary().stop());
            assertEquals(0, pair.secondary().stop());
        }
    }
}
