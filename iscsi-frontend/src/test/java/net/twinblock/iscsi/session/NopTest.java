package net.twinblock.iscsi.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import org.junit.jupiter.api.Test;

/** NOP-Out/NOP-In both ways, the dead-initiator and the login timeouts (short timers for the test). */
class NopTest extends TargetHarness {

    @Override
    protected IscsiTargetConfig config() {
        return config(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(400));
    }

    @Test
    void anInitiatorPingIsEchoedWithItsData() {
        TestInitiator i = session();
        int statSn = i.expStatSn;
        byte[] ping = "are you there?".getBytes(StandardCharsets.US_ASCII);
        i.send(i.nopOut(0x55, Pdu.RESERVED_TAG, ping));
        Pdu in = nextNonPing(i);
        try {
            assertEquals(IscsiOpcode.NOP_IN, in.opcode());
            assertEquals(0x55, in.itt());
            assertEquals(Pdu.RESERVED_TAG, in.u32(Bhs.NopIn.TTT));
            assertEquals(statSn, in.u32(Bhs.NopIn.STAT_SN), "a NOP-In answer uses up a StatSN");
            assertArrayEquals(ping, bytes(in));
        } finally {
            in.release();
        }
    }

    @Test
    void anIdleInitiatorIsPingedAndKeptWhileItAnswers() {
        TestInitiator i = session();
        for (int round = 0; round < 3; round++) {
            Pdu ping = i.receive();
            int ttt;
            try {
                assertEquals(IscsiOpcode.NOP_IN, ping.opcode());
                assertEquals(Pdu.RESERVED_TAG, ping.itt(), "a target ping has no initiator task");
                ttt = ping.u32(Bhs.NopIn.TTT);
                assertNotEquals(Pdu.RESERVED_TAG, ttt, "and asks for an answer with its tag");
            } finally {
                ping.release();
            }
            i.send(i.nopOut(Pdu.RESERVED_TAG, ttt, null));
        }
        assertFalse(i.closed);
        assertEquals(1, target.sessions().size());
    }

    @Test
    void aDeadInitiatorIsDroppedAndItsNexusRemoved() {
        TestInitiator i = session();
        await().atMost(Duration.ofSeconds(5)).until(() -> i.closed);
        await().until(() -> target.sessions().isEmpty());
        await().until(() -> disk.events.contains("removed iqn.2026-11.test:host1,i,0x400001000001"));
    }

    @Test
    void aConnectionThatNeverLogsInIsClosed() {
        TestInitiator i = connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> i.closed);
        assertEquals(0, target.sessions().size());
    }

    private static Pdu nextNonPing(TestInitiator i) {
        while (true) {
            Pdu pdu = i.receive();
            if (pdu.opcode() == IscsiOpcode.NOP_IN && pdu.itt() == Pdu.RESERVED_TAG) {
                i.send(i.nopOut(Pdu.RESERVED_TAG, pdu.u32(Bhs.NopIn.TTT), null));
                pdu.release();
                continue;
            }
            return pdu;
        }
    }
}
