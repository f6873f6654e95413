package net.twinblock.iscsi.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import org.junit.jupiter.api.Test;

/** Task management (RFC 7143 §11.5) against commands held "in storage". */
class TaskManagementTest extends TargetHarness {

    private static final int ABORT_TASK = 1;
    private static final int CLEAR_ACA = 3;
    private static final int LUN_RESET = 5;
    private static final int TARGET_WARM_RESET = 6;
    private static final int TASK_REASSIGN = 8;
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final byte[] TUR = new byte[6];

    @Test
    void abortTaskAnswersOnlyOnceTheTaskLeftTheStorageAndDropsItsStatus() {
        TestInitiator i = session();
        disk.hold();
        int cmdSn = i.cmdSn;
        int itt = i.newItt();
        i.send(i.command(itt, TUR, 0, Bhs.FLAG_FINAL, null));
        await().until(() -> disk.executed.size() == 1);
        Pdu tmf = i.tmf(ABORT_TASK, itt, cmdSn, 0);
        int tmfItt = tmf.itt();
        i.send(tmf);
        assertNull(i.poll(QUIET), "the task is still in storage: no answer yet");
        disk.open();
        assertEquals(0, tmfResponse(i, tmfItt), "function complete");
        assertNull(i.poll(QUIET), "an aborted task gets no SCSI Response");
        assertEquals(1, disk.completed.get());
    }

    @Test
    void abortOfAFinishedTaskSaysItDoesNotExistAndOfAComingOneThatItIsDone() {
        TestInitiator i = session();
        int cmdSn = i.cmdSn;
        int itt = i.newItt();
        i.send(i.command(itt, TUR, 0, Bhs.FLAG_FINAL, null));
        assertEquals(0, status(i, itt));
        Pdu late = i.tmf(ABORT_TASK, itt, cmdSn, 0);
        int lateItt = late.itt(); // the PDU is released once sent
        i.send(late);
        assertEquals(1, tmfResponse(i, lateItt), "task does not exist");

        // A command not yet received: the abort is done now, and the command is dropped when it comes.
        int futureSn = i.cmdSn;
        int futureItt = i.newItt();
        Pdu early = i.tmf(ABORT_TASK, futureItt, futureSn, 0);
        int earlyItt = early.itt(); // the PDU is released once sent
        i.send(early);
        assertEquals(0, tmfResponse(i, earlyItt));
        i.send(i.command(futureItt, TUR, 0, Bhs.FLAG_FINAL, null));
        int next = i.newItt();
        i.send(i.command(next, TUR, 0, Bhs.FLAG_FINAL, null));
        assertEquals(0, status(i, next), "the aborted command used its CmdSN; the next one runs");
        assertEquals(2, disk.executed.size(), "the pre-aborted command never ran");
    }

    @Test
    void lunResetAbortsTasksOfOtherSessionsAndTellsTheScsiLayer() {
        TestInitiator a = session("iqn.2026-11.test:a", 0x400001000001L);
        TestInitiator b = session("iqn.2026-11.test:b", 0x400001000002L);
        disk.hold();
        int itt = a.newItt();
        a.send(a.command(itt, TUR, 0, Bhs.FLAG_FINAL, null));
        await().until(() -> disk.executed.size() == 1);
        Pdu reset = b.tmf(LUN_RESET, Pdu.RESERVED_TAG, 0, 0);
        int resetItt = reset.itt(); // the PDU is released once sent
        b.send(reset);
        assertNull(b.poll(QUIET), "the reset waits for the other session's task to leave the storage");
        disk.open();
        assertEquals(0, tmfResponse(b, resetItt));
        assertTrue(disk.events.contains("lunReset 0"));
        assertNull(a.poll(QUIET), "the aborted task of the other session gets no status");
        int again = a.newItt();
        a.send(a.command(again, TUR, 0, Bhs.FLAG_FINAL, null));
        assertEquals(0, status(a, again), "both sessions go on");
    }

    @Test
    void functionsWeDoNotOfferGetTheirRfcAnswers() {
        TestInitiator i = session();
        Pdu unknownLun = i.tmf(LUN_RESET, Pdu.RESERVED_TAG, 0, 7);
        int unknownLunItt = unknownLun.itt(); // the PDU is released once sent
        i.send(unknownLun);
        assertEquals(2, tmfResponse(i, unknownLunItt), "LUN does not exist");
        Pdu reassign = i.tmf(TASK_REASSIGN, 0x99, 0, 0);
        int reassignItt = reassign.itt(); // the PDU is released once sent
        i.send(reassign);
        assertEquals(4, tmfResponse(i, reassignItt), "task reassignment not supported at ERL 0");
        Pdu clearAca = i.tmf(CLEAR_ACA, Pdu.RESERVED_TAG, 0, 0);
        int clearAcaItt = clearAca.itt(); // the PDU is released once sent
        i.send(clearAca);
        assertEquals(5, tmfResponse(i, clearAcaItt), "function not supported");
        Pdu unknown = i.tmf(0x33, Pdu.RESERVED_TAG, 0, 0);
        int unknownItt = unknown.itt(); // the PDU is released once sent
        i.send(unknown);
        assertEquals(5, tmfResponse(i, unknownItt));
        Pdu warm = i.tmf(TARGET_WARM_RESET, Pdu.RESERVED_TAG, 0, 0);
        int warmItt = warm.itt(); // the PDU is released once sent
        i.send(warm);
        assertEquals(0, tmfResponse(i, warmItt));
        assertEquals(List.of("added iqn.2026-11.test:host1,i,0x400001000001", "targetReset"), disk.events);
    }

    @Test
    void targetColdResetAnswersThenDropsEverySession() {
        TestInitiator a = session("iqn.2026-11.test:a", 0x400001000001L);
        TestInitiator b = session("iqn.2026-11.test:b", 0x400001000002L);
        Pdu cold = b.tmf(7, Pdu.RESERVED_TAG, 0, 0);
        int coldItt = cold.itt(); // the PDU is released once sent
        b.send(cold);
        assertEquals(0, tmfResponse(b, coldItt), "the answer goes out before the connection drops");
        await().until(() -> a.closed && b.closed);
        await().until(() -> target.sessions().isEmpty());
        assertTrue(disk.events.contains("targetReset"));
    }

    private static int tmfResponse(TestInitiator i, int itt) {
        Pdu pdu = i.receive();
        try {
            assertEquals(IscsiOpcode.TASK_MGMT_RESPONSE, pdu.opcode(), () -> "got " + pdu);
            assertEquals(itt, pdu.itt());
            return pdu.u8(Bhs.TmfResponse.RESPONSE);
        } finally {
            pdu.release();
        }
    }
}
