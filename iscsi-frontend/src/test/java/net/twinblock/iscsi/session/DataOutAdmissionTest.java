package net.twinblock.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import net.twinblock.iscsi.lun.LogicalUnit;
import net.twinblock.iscsi.lun.LunIdentity;
import net.twinblock.iscsi.lun.PortGroup;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.scsi.ScsiCommandDispatcher;
import net.twinblock.iscsi.scsi.ScsiTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A write's CDB is judged before any of its data is asked for (issue 11): the target solicits
 * only what the CDB will use, and only once the command's CmdSN turn came.
 */
class DataOutAdmissionTest extends TargetHarness {

    private static final Duration QUIET = Duration.ofMillis(300);
    private static final int BLOCKS = 20000;
    private static final int MIB_32 = 32 * 1024 * 1024;
    private static final int CHECK_CONDITION = 0x02;
    private static final int ILLEGAL_REQUEST = 0x05;
    private static final int INVALID_FIELD_IN_CDB = 0x24;
    private static final int LBA_OUT_OF_RANGE = 0x21;

    private MemoryStorage storage;

    @Override
    protected ScsiTaskExecutor executor() {
        storage = new MemoryStorage(512, BLOCKS);
        byte[] naa = new byte[16];
        naa[0] = 0x60;
        LogicalUnit lu = new LogicalUnit(0, new LunIdentity(naa, "TB-ADMIT-0"), storage, PortGroup.standalone());
        return new ScsiCommandDispatcher(Map.of(0, lu));
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    @Test
    void aWriteAboveTheMaximumTransferLengthIsRefusedWithoutAnR2t() {
        TestInitiator i = readySession();
        int itt = i.newItt();
        // One block more than Block Limits' 8 MiB maximum, inside the LU, with a 32 MiB EDTL.
        i.send(i.command(itt, TestInitiator.write10(0, 16385), MIB_32, Bhs.FLAG_FINAL | Bhs.ScsiCommand.FLAG_WRITE,
                null));
        expectIllegalRequest(i, itt, INVALID_FIELD_IN_CDB); // at once, not after 32 MiB
    }

    @Test
    void aWriteOutOfRangeIsRefusedWithoutAnR2t() {
        TestInitiator i = readySession();
        int itt = i.newItt();
        i.send(i.command(itt, TestInitiator.write10(BLOCKS, 1), 512, Bhs.FLAG_FINAL | Bhs.ScsiCommand.FLAG_WRITE, null));
        expectIllegalRequest(i, itt, LBA_OUT_OF_RANGE);
    }

    @Test
    void aHugeEdtlForOneBlockSolicitsOneBlockAndReportsTheUnderflow() {
        TestInitiator i = readySession();
        int itt = i.newItt();
        i.send(i.command(itt, TestInitiator.write10(7, 1), MIB_32, Bhs.FLAG_FINAL | Bhs.ScsiCommand.FLAG_WRITE, null));
        Pdu r2t = i.receive();
        int ttt;
        try {
            assertEquals(IscsiOpcode.R2T, r2t.opcode(), () -> "got " + r2t);
            assertEquals(512, r2t.u32(Bhs.R2t.DESIRED_DATA_TRANSFER_LENGTH), "only the block the CDB writes");
            ttt = r2t.u32(Bhs.R2t.TTT);
        } finally {
            r2t.release();
        }
        i.send(i.dataOut(itt, ttt, 0, 0, pattern(512, 1), true));
        Pdu rsp = i.receive();
        try {
            assertEquals(IscsiOpcode.SCSI_RESPONSE, rsp.opcode(), () -> "got " + rsp);
            assertEquals(0, rsp.u8(Bhs.ScsiResponse.STATUS));
            assertTrue((rsp.flags() & Bhs.ScsiResponse.FLAG_UNDERFLOW) != 0, "U bit: less moved than expected");
            assertEquals(MIB_32 - 512, rsp.u32(Bhs.ScsiResponse.RESIDUAL_COUNT));
        } finally {
            rsp.release();
        }
    }

    @Test
    void r2tsWaitForTheCommandsCmdSnTurn() {
        TestInitiator i = readySession();
        Pdu first = i.command(i.newItt(), new byte[6], 0, Bhs.FLAG_FINAL, null); // TEST UNIT READY
        int itt = i.newItt();
        i.send(i.command(itt, TestInitiator.write10(0, 1), 512, Bhs.FLAG_FINAL | Bhs.ScsiCommand.FLAG_WRITE, null));
        assertNull(i.poll(QUIET), "no R2T for a command whose CmdSN turn has not come");
        i.send(first);
        int r2ts = 0;
        for (int n = 0; n < 2; n++) {
            Pdu pdu = i.receive();
            r2ts += pdu.opcode() == IscsiOpcode.R2T ? 1 : 0;
            pdu.release();
        }
        assertEquals(1, r2ts, "the R2T follows once the gap is filled");
    }

    /** A session past the POWER ON unit attention every new nexus starts with. */
    private TestInitiator readySession() {
        TestInitiator i = session();
        int itt = i.newItt();
        i.send(i.command(itt, new byte[6], 0, Bhs.FLAG_FINAL, null));
        status(i, itt);
        return i;
    }

    /** The first answer is the command's CHECK CONDITION, ILLEGAL REQUEST with {@code asc}: no R2T before it. */
    private static void expectIllegalRequest(TestInitiator i, int itt, int asc) {
        Pdu rsp = i.receive();
        try {
            assertEquals(IscsiOpcode.SCSI_RESPONSE, rsp.opcode(), () -> "got " + rsp);
            assertEquals(itt, rsp.itt());
            assertEquals(CHECK_CONDITION, rsp.u8(Bhs.ScsiResponse.STATUS));
            byte[] sense = bytes(rsp); // 2-byte SenseLength, then fixed-format sense data
            assertEquals(ILLEGAL_REQUEST, sense[2 + 2] & 0x0f);
            assertEquals(asc, sense[2 + 12] & 0xff);
        } finally {
            rsp.release();
        }
    }
}
