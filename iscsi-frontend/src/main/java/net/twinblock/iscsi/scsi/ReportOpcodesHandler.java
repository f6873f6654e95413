package net.twinblock.iscsi.scsi;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.LogicalUnit;

/**
 * REPORT SUPPORTED OPERATION CODES (MAINTENANCE IN / 0x0C, SPC-4 §6.35), generated from
 * {@link ScsiOpcode} so the report always matches what the dispatcher really executes. Linux asks
 * it for WRITE SAME (16)/(10) to decide how to zero and discard.
 */
final class ReportOpcodesHandler implements CommandHandler {

    private static final int ALL_COMMANDS = 0;
    private static final int ONE_COMMAND_NO_SA = 1;
    private static final int ONE_COMMAND_WITH_SA = 2;
    private static final int ONE_COMMAND_EITHER = 3;

    private static final int SUPPORT_NOT_SUPPORTED = 0b001;
    private static final int SUPPORT_STANDARD = 0b011;

    /** Recommended timeout we report: the Linux default, ample for a 16 MiB WRITE SAME through the mirror. */
    private static final int RECOMMENDED_TIMEOUT_SECONDS = 30;

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        byte[] cdb = task.cdb();
        boolean timeouts = Cdb.bit(cdb, 2, 7);
        int options = Cdb.u8(cdb, 2) & 0x07;
        int requestedOpcode = Cdb.u8(cdb, 3);
        int requestedServiceAction = Cdb.u16(cdb, 4);
        long allocationLength = Cdb.u32(cdb, 6);
        byte[] data = switch (options) {
            case ALL_COMMANDS -> allCommands(task, timeouts);
            case ONE_COMMAND_NO_SA -> {
                if (ScsiOpcode.hasServiceActions(requestedOpcode)) {
                    throw CheckCondition.invalidField(2, 2);
                }
                yield oneCommand(supported(ScsiOpcode.of(requestedOpcode, -1), task), timeouts);
            }
            case ONE_COMMAND_WITH_SA -> {
                if (ScsiOpcode.isKnownOpcode(requestedOpcode) && !ScsiOpcode.hasServiceActions(requestedOpcode)) {
                    throw CheckCondition.invalidField(2, 2);
                }
                yield oneCommand(supported(ScsiOpcode.of(requestedOpcode, requestedServiceAction), task), timeouts);
            }
            case ONE_COMMAND_EITHER -> oneCommand(supported(ScsiOpcode.hasServiceActions(requestedOpcode)
                    ? ScsiOpcode.of(requestedOpcode, requestedServiceAction)
                    : ScsiOpcode.of(requestedOpcode, -1), task), timeouts);
            default -> throw CheckCondition.invalidField(2, 2);
        };
        return CompletableFuture.completedFuture(ScsiResponses.dataIn(task, data, allocationLength));
    }

    /**
     * The command if this LU executes it: UNMAP and GET LBA STATUS need thin storage, COMPARE AND
     * WRITE and ORWRITE a gate that sees every write.
     */
    static ScsiOpcode supported(ScsiOpcode op, ScsiTask task) {
        LogicalUnit lu = task.lu();
        if ((op == ScsiOpcode.UNMAP || op == ScsiOpcode.GET_LBA_STATUS) && !lu.storage().thinProvisioned()) {
            return null;
        }
        if (WriteGate.exclusive(op) && !task.dispatcher().guardsEveryWrite(lu)) {
            return null;
        }
        return op;
    }

    private static byte[] allCommands(ScsiTask task, boolean timeouts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ScsiOpcode op : ScsiOpcode.values()) {
            if (supported(op, task) == null) {
                continue;
            }
            byte[] d = new byte[8];
            d[0] = (byte) op.code();
            if (op.serviceAction() >= 0) {
                Cdb.putShort(d, 2, op.serviceAction());
                d[5] |= 0x01;                  // SERVACTV
            }
            if (timeouts) {
                d[5] |= 0x02;                  // CTDP
            }
            Cdb.putShort(d, 6, op.cdbLength());
            out.writeBytes(d);
            if (timeouts) {
                out.writeBytes(timeoutsDescriptor());
            }
        }
        byte[] body = out.toByteArray();
        byte[] data = new byte[4 + body.length];
        Cdb.putInt(data, 0, body.length);
        System.arraycopy(body, 0, data, 4, body.length);
        return data;
    }

    private static byte[] oneCommand(ScsiOpcode op, boolean timeouts) {
        if (op == null) {
            byte[] d = new byte[4];
            d[1] = SUPPORT_NOT_SUPPORTED;
            return d;
        }
        byte[] usage = op.usage();
        byte[] d = new byte[4 + usage.length + (timeouts ? 12 : 0)];
        d[1] = (byte) (SUPPORT_STANDARD | (timeouts ? 0x80 : 0));
        Cdb.putShort(d, 2, usage.length);
        System.arraycopy(usage, 0, d, 4, usage.length);
        if (timeouts) {
            System.arraycopy(timeoutsDescriptor(), 0, d, 4 + usage.length, 12);
        }
        return d;
    }

    private static byte[] timeoutsDescriptor() {
        byte[] t = new byte[12];
        Cdb.putShort(t, 0, 0x0a);
        // nominal processing timeout 0: not specified
        Cdb.putInt(t, 8, RECOMMENDED_TIMEOUT_SECONDS);
        return t;
    }
}
