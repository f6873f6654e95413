package net.twinblock.iscsi.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import net.twinblock.iscsi.config.ConnectionLimits;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.pdu.RejectReason;
import org.junit.jupiter.api.Test;

/**
 * What one session or host may hold of the target: commands (the window closes while its
 * commands are unanswered; immediate ones have a bound of their own), sessions per initiator
 * name, connections per address.
 */
class SessionLimitsTest extends TargetHarness {

    private static final byte[] TUR = new byte[6];
    private static final int F = Bhs.FLAG_FINAL;
    private static final int WINDOW = 128;
    private static final Duration QUIET = Duration.ofMillis(300);

    @Override
    protected IscsiTargetConfig config() {
        return super.config().withLimits(new ConnectionLimits(1024, 3, 2));
    }

    /** An immediate NOP-Out ping: answered whatever the window; returns the NOP-In's MaxCmdSN - ExpCmdSN. */
    private static int openSlots(TestInitiator i) {
        Pdu ping = i.nopOut(i.newItt(), Pdu.RESERVED_TAG, null);
        ping.setImmediate(true);
        ping.u32(Bhs.NopOut.CMD_SN, --i.cmdSn);
        i.send(ping);
        Pdu nopIn = i.receive();
        try {
            assertEquals(IscsiOpcode.NOP_IN, nopIn.opcode(), () -> "got " + nopIn);
            return nopIn.u32(Bhs.NopIn.MAX_CMD_SN) - nopIn.u32(Bhs.NopIn.EXP_CMD_SN) + 1;
        } finally {
            nopIn.release();
        }
    }

    @Test
    void theWindowClosesWhileTheSessionsCommandsAreUnansweredAndOpensAsTheyAre() {
        TestInitiator i = session();
        assertEquals(WINDOW, openSlots(i));
        disk.hold();
        for (int n = 0; n < WINDOW; n++) {
            i.send(i.command(i.newItt(), TUR, 0, F, null));
        }
        await().until(() -> disk.executed.size() == WINDOW);
        assertEquals(0, openSlots(i), "MaxCmdSN = ExpCmdSN - 1: no room until a command is answered");
        // An initiator that numbers on regardless is not heard: the command is not run.
        i.send(i.command(i.newItt(), TUR, 0, F, null));
        assertNull(i.poll(QUIET));
        assertEquals(WINDOW, disk.executed.size());

        disk.open();
        int lastMax = 0;
        for (int n = 0; n < WINDOW; n++) {
            Pdu rsp = i.receive();
            try {
                assertEquals(IscsiOpcode.SCSI_RESPONSE, rsp.opcode());
                int slots = rsp.u32(Bhs.ScsiResponse.MAX_CMD_SN) - rsp.u32(Bhs.ScsiResponse.EXP_CMD_SN) + 1;
                assertTrue(rsp.u32(Bhs.ScsiResponse.MAX_CMD_SN) - lastMax >= 0 || n == 0, "MaxCmdSN never moves back");
                lastMax = rsp.u32(Bhs.ScsiResponse.MAX_CMD_SN);
                assertTrue(slots >= 1, "each answer opens the slot of its own command: " + slots);
            } finally {
                rsp.release();
            }
        }
        assertEquals(WINDOW, openSlots(i));
    }

    @Test
    void immediateCommandsPastTheirBoundAreRejected() {
        TestInitiator i = session();
        disk.hold();
        int bound = CommandProcessor.MAX_IMMEDIATE_COMMANDS;
        for (int n = 0; n < bound + 5; n++) {
            Pdu cmd = i.command(i.newItt(), TUR, 0, F, null);
            cmd.setImmediate(true);
            cmd.u32(Bhs.ScsiCommand.CMD_SN, --i.cmdSn);
            i.send(cmd);
        }
        for (int n = 0; n < 5; n++) {
            Pdu reject = i.receive();
            try {
                assertEquals(IscsiOpcode.REJECT, reject.opcode(), () -> "got " + reject);
                assertEquals(RejectReason.IMMEDIATE_COMMAND_REJECT.code(), reject.u8(Bhs.Reject.REASON));
            } finally {
                reject.release();
            }
        }
        await().until(() -> disk.executed.size() == bound);
        disk.open();
        for (int n = 0; n < bound; n++) {
            expect(i, IscsiOpcode.SCSI_RESPONSE);
        }
        assertEquals(WINDOW, openSlots(i), "immediate commands never took the window's slots");
    }

    @Test
    void anInitiatorPastItsSessionsIsToldOutOfResources() {
        session("iqn.2026-11.test:busy", 0x400001000001L);
        session("iqn.2026-11.test:busy", 0x400001000002L);
        TestInitiator third = connect();
        Pdu rsp = third.login(0x400001000003L, 0, TestInitiator.normalKeys("IQN.2026-11.test:BUSY"));
        try {
            assertEquals(0x0302, rsp.u8(Bhs.Login.STATUS_CLASS) << 8 | rsp.u8(Bhs.Login.STATUS_DETAIL));
        } finally {
            rsp.release();
        }
        // Reinstating one of its sessions is no new session: allowed.
        TestInitiator again = connect();
        again.loginOk(0x400001000002L, "iqn.2026-11.test:busy");
        session("iqn.2026-11.test:other", 0x400001000003L);
    }

    @Test
    void connectionsPastThePerAddressLimitAreClosedAtOnce() {
        // Logged in, so the login timeout cannot close them while the test runs.
        TestInitiator a = session("iqn.2026-11.test:a", 0x400001000011L);
        TestInitiator b = session("iqn.2026-11.test:b", 0x400001000012L);
        TestInitiator c = session("iqn.2026-11.test:c", 0x400001000013L);
        TestInitiator d = connect();
        await().until(() -> d.closed);
        assertEquals(1, target.connectionsRefused());
        assertEquals(3, target.connectionCount());
        a.close();
        await().until(() -> target.connectionCount() == 2);
        TestInitiator e = connect();
        e.loginOk(0x400001000009L, "iqn.2026-11.test:host9");
        assertTrue(!b.closed && !c.closed);
    }
}
