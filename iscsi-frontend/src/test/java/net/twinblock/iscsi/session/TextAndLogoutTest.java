package net.twinblock.iscsi.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import org.junit.jupiter.api.Test;

/** Text Requests (SendTargets, long answers in pieces) and Logout. */
class TextAndLogoutTest extends TargetHarness {

    private static final Duration QUIET = Duration.ofMillis(300);

    @Test
    void sendTargetsInADiscoverySessionNamesOurTarget() {
        TestInitiator i = connect();
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("InitiatorName", "iqn.2026-11.test:discoverer");
        keys.put("SessionType", "Discovery");
        keys.put("HeaderDigest", "None");
        keys.put("DataDigest", "None");
        keys.put("MaxRecvDataSegmentLength", "32768");
        Pdu resp = i.login(0x400001000009L, 0, keys);
        assertEquals(0, resp.u8(Bhs.Login.STATUS_CLASS));
        resp.release();
        i.send(i.textRequest(i.newItt(), Pdu.RESERVED_TAG, Bhs.FLAG_FINAL, Map.of("SendTargets", "All")));
        Pdu text = i.receive();
        try {
            assertEquals(IscsiOpcode.TEXT_RESPONSE, text.opcode());
            assertTrue(text.finalBit());
            assertTrue(new String(bytes(text), StandardCharsets.UTF_8).contains("TargetName=" + TestInitiator.TARGET));
        } finally {
            text.release();
        }
        assertEquals("discovery", target.sessions().get(0).type());
    }

    @Test
    void aLongAnswerComesInPiecesTheInitiatorAsksFor() {
        TestInitiator i = session(); // initiator MaxRecvDataSegmentLength 1024
        Map<String, String> keys = new LinkedHashMap<>();
        for (int n = 0; n < 40; n++) {
            keys.put("X-net.twinblock.test.key" + n, "v");
        }
        int itt = i.newItt();
        i.send(i.textRequest(itt, Pdu.RESERVED_TAG, Bhs.FLAG_FINAL, keys));
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        int pieces = 0;
        while (true) {
            Pdu text = i.receive();
            try {
                assertEquals(IscsiOpcode.TEXT_RESPONSE, text.opcode());
                assertEquals(itt, text.itt());
                assertTrue(text.data().readableBytes() <= 1024, "no piece beyond MaxRecvDataSegmentLength");
                answer.writeBytes(bytes(text));
                pieces++;
                if (text.finalBit()) {
                    assertEquals(0, text.flags() & Bhs.Text.FLAG_CONTINUE);
                    assertEquals(Pdu.RESERVED_TAG, text.u32(Bhs.Text.TTT), "the exchange is over");
                    break;
                }
                assertTrue((text.flags() & Bhs.Text.FLAG_CONTINUE) != 0, "C bit: more follows");
                int ttt = text.u32(Bhs.Text.TTT);
                assertNotEquals(Pdu.RESERVED_TAG, ttt);
                i.send(i.textRequest(itt, ttt, Bhs.FLAG_FINAL, Map.of()));
            } finally {
                text.release();
            }
        }
        assertTrue(pieces >= 2, "the answer did not fit in one PDU");
        String all = answer.toString(StandardCharsets.UTF_8);
        for (int n = 0; n < 40; n++) {
            assertTrue(all.contains("X-net.twinblock.test.key" + n + "=NotUnderstood\0"), "key " + n);
        }
    }

    @Test
    void logoutIsAnsweredAfterTheCommandsInFlightThenTheConnectionCloses() {
        TestInitiator i = session();
        disk.hold();
        int itt = i.newItt();
        i.send(i.command(itt, new byte[6], 0, Bhs.FLAG_FINAL, null));
        await().until(() -> disk.executed.size() == 1);
        i.send(i.logout(0));
        assertNull(i.poll(QUIET), "no Logout Response while a command is in storage");
        disk.open();
        assertEquals(0, status(i, itt));
        Pdu logout = i.receive();
        try {
            assertEquals(IscsiOpcode.LOGOUT_RESPONSE, logout.opcode());
            assertEquals(0, logout.u8(Bhs.Logout.RESPONSE), "closed successfully");
            assertEquals(0, logout.u16(Bhs.Logout.TIME2WAIT));
            assertEquals(0, logout.u16(Bhs.Logout.TIME2RETAIN));
        } finally {
            logout.release();
        }
        await().until(() -> i.closed);
        await().until(() -> target.sessions().isEmpty());
        assertEquals(List.of("added iqn.2026-11.test:host1,i,0x400001000001",
                "removed iqn.2026-11.test:host1,i,0x400001000001"), disk.events);
    }

    @Test
    void connectionRecoveryIsNotOfferedAtErrorRecoveryLevelZero() {
        TestInitiator i = session();
        i.send(i.logout(2));
        Pdu logout = i.receive();
        try {
            assertEquals(2, logout.u8(Bhs.Logout.RESPONSE), "connection recovery is not supported");
        } finally {
            logout.release();
        }
        assertFalse(i.closed);
        int itt = i.newItt();
        i.send(i.command(itt, new byte[6], 0, Bhs.FLAG_FINAL, null));
        assertEquals(0, status(i, itt));
    }
}
