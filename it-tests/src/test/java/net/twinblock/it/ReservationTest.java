package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.ScsiResult;
import org.junit.jupiter.api.Test;

/**
 * Persistent reservations against a real node, from two initiators (two iSCSI names): the
 * reservation fences the other one off, and with APTPL it outlives a restart of the node.
 */
class ReservationTest {

    private static final String HOST1 = "iqn.2026-01.net.twinblock.it:cluster-node1";
    private static final String HOST2 = "iqn.2026-01.net.twinblock.it:cluster-node2";
    private static final int RESERVATION_CONFLICT = 0x18;
    private static final int EXCLUSIVE_ACCESS = 0x3;
    private static final int WRITE_EXCLUSIVE = 0x1;
    private static final long KEY1 = 0x1111_0000_0000_0001L;
    private static final int BLOCK = 512;

    @Test
    void aReservationFencesOffTheOtherInitiatorUntilReleased() throws IOException {
        try (NodeProcess node = NodeProcess.start();
             IscsiConnection one = IscsiConnection.login(node.iscsiPort(), HOST1, node.iqn());
             IscsiConnection two = IscsiConnection.login(node.iscsiPort(), HOST2, node.iqn())) {
            one.awaitUnitReady(0);
            two.awaitUnitReady(0);
            assertGood(prout(one, 0x00, 0, 0, KEY1, 0)); // REGISTER
            assertGood(prout(one, 0x01, WRITE_EXCLUSIVE, KEY1, 0, 0)); // RESERVE

            assertEquals(RESERVATION_CONFLICT, two.write16(0, 0, new byte[BLOCK], BLOCK, false).status());
            assertGood(two.read16(0, 0, 1, BLOCK)); // Write Exclusive: others may still read
            assertGood(one.write16(0, 0, new byte[BLOCK], BLOCK, false));

            byte[] rr = readReservation(two);
            assertEquals(KEY1, ByteBuffer.wrap(rr).getLong(8));
            assertEquals(WRITE_EXCLUSIVE, rr[21] & 0x0f);

            assertGood(prout(one, 0x02, WRITE_EXCLUSIVE, KEY1, 0, 0)); // RELEASE
            assertGood(two.write16(0, 0, new byte[BLOCK], BLOCK, false));
            node.assertNoLeaks();
        }
    }

    @Test
    void anAptplReservationSurvivesARestartOfTheNode() throws IOException {
        NodeProcess node = NodeProcess.start();
        byte[] isid;
        try (IscsiConnection one = IscsiConnection.login(node.iscsiPort(), HOST1, node.iqn())) {
            one.awaitUnitReady(0);
            isid = one.isid();
            assertGood(prout(one, 0x00, 0, 0, KEY1, 0x01)); // REGISTER with APTPL
            assertGood(prout(one, 0x01, EXCLUSIVE_ACCESS, KEY1, 0, 0));
        }
        assertTrue(Files.exists(node.dataDir().resolve("lun0.pr")), "the APTPL file was written");
        int port = node.iscsiPort();
        assertEquals(0, node.stop());
        node.close();

        try (NodeProcess again = NodeProcess.builder().dataDir(node.dataDir()).iscsiPort(port).start();
             IscsiConnection two = IscsiConnection.login(again.iscsiPort(), HOST2, again.iqn());
             IscsiConnection one = IscsiConnection.connect(again.iscsiPort(), "127.0.0.1", isid)) {
            one.login(HOST1, again.iqn());
            one.awaitUnitReady(0);
            two.awaitUnitReady(0);
            byte[] rr = readReservation(two);
            assertEquals(KEY1, ByteBuffer.wrap(rr).getLong(8), "the holder's key came back");
            assertEquals(EXCLUSIVE_ACCESS, rr[21] & 0x0f);
            assertEquals(RESERVATION_CONFLICT, two.read16(0, 0, 1, BLOCK).status());
            assertGood(one.read16(0, 0, 1, BLOCK)); // the same I_T nexus still holds it

            assertGood(prout(one, 0x03, 0, KEY1, 0, 0)); // CLEAR
            assertGood(two.read16(0, 0, 1, BLOCK));
            again.assertNoLeaks();
        }
    }

    /** PERSISTENT RESERVE OUT with the basic 24-byte parameter list. */
    static ScsiResult prout(IscsiConnection c, int action, int type, long key, long sark, int flags)
            throws IOException {
        byte[] cdb = {0x5f, (byte) action, (byte) type, 0, 0, 0, 0, 0, 24, 0};
        ByteBuffer p = ByteBuffer.allocate(24).putLong(key).putLong(sark);
        p.put(20, (byte) flags);
        return c.command(0, cdb, 0, p.array());
    }

    private static byte[] readReservation(IscsiConnection c) throws IOException {
        ScsiResult r = c.command(0, new byte[] {0x5e, 0x01, 0, 0, 0, 0, 0, 0, 24, 0}, 24, null);
        assertGood(r);
        assertEquals(16, ByteBuffer.wrap(r.data()).getInt(4), "a reservation is held");
        return r.data();
    }

    static void assertGood(ScsiResult r) {
        assertTrue(r.good(), r::toString);
    }
}
