package net.twinblock.iscsi.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import org.junit.jupiter.api.Test;

/** A second login of the same initiator port replaces the first session (RFC 7143 §6.3.5). */
class ReinstatementTest extends TargetHarness {

    private static final String HOST = "iqn.2026-11.test:host1";
    private static final long ISID = 0x400001000001L;

    @Test
    void theOldSessionIsClosedAndItsTasksLeaveTheStorageBeforeTheNewLoginCompletes() {
        TestInitiator old = session(HOST, ISID);
        int oldTsih = target.sessions().get(0).tsih();
        disk.hold();
        old.send(old.command(old.newItt(), new byte[6], 0, Bhs.FLAG_FINAL, null));
        await().until(() -> disk.executed.size() == 1);

        TestInitiator fresh = connect();
        fresh.sendLogin(ISID, 0, TestInitiator.normalKeys(HOST));
        await().until(() -> old.closed);
        assertNull(fresh.poll(Duration.ofMillis(300)), "no login answer while the old task is in storage");
        disk.open();
        Pdu resp = fresh.receive();
        try {
            assertEquals(IscsiOpcode.LOGIN_RESPONSE, resp.opcode());
            assertEquals(0, resp.u8(Bhs.Login.STATUS_CLASS));
            assertNotEquals(oldTsih, resp.u16(Bhs.Login.TSIH));
            fresh.cmdSn = resp.u32(Bhs.Login.EXP_CMD_SN);
            fresh.expStatSn = resp.u32(Bhs.Login.STAT_SN) + 1;
        } finally {
            resp.release();
        }
        String port = HOST + ",i,0x400001000001";
        assertEquals(List.of("added " + port, "removed " + port, "added " + port), disk.events,
                "the SCSI layer sees the old nexus go before the new one comes");
        assertEquals(1, target.sessions().size());
        int itt = fresh.newItt();
        fresh.send(fresh.command(itt, new byte[6], 0, Bhs.FLAG_FINAL, null));
        assertEquals(0, status(fresh, itt));
    }

    @Test
    void anotherIsidIsAnotherSession() {
        session(HOST, ISID);
        session(HOST, ISID + 1);
        assertEquals(2, target.sessions().size());
    }
}
