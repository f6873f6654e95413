package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.reservation.InitiatorPort;
import net.twinblock.iscsi.reservation.PrType;
import net.twinblock.iscsi.reservation.ReservationNotice;

/**
 * PERSISTENT RESERVE OUT (SPC-4 §6.15): checks the CDB and parameter list here, decides in
 * {@link PrOutRules} against the LU's state in turn, and answers GOOD only once the LU's
 * {@link LunReservations} (and through it the store) has the change; PREEMPT AND ABORT also
 * waits until the preempted nexuses' tasks on the LU are aborted.
 */
final class PersistentReserveOutHandler implements CommandHandler {

    /** The parameter list cannot sensibly exceed this (24 bytes plus TransportIDs). */
    private static final long MAX_PARAMETER_LIST = 64 * 1024;

    @Override
    public long dataOutLength(ScsiTask task) {
        long length = Cdb.u32(task.cdb(), 5);
        if (length > MAX_PARAMETER_LIST) {
            throw CheckCondition.invalidField(5, -1);
        }
        return length;
    }

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        byte[] cdb = task.cdb();
        ScsiOpcode op = task.op();
        long length = dataOutLength(task);
        PrType type = null;
        if (takesType(op)) {
            if ((cdb[2] & 0xf0) != 0) {
                throw CheckCondition.invalidField(2, 7); // only LU_SCOPE exists in SPC-4
            }
            type = PrType.of(cdb[2] & 0x0f);
            if (type == null) {
                throw CheckCondition.invalidField(2, 3);
            }
        }
        ByteBuf data = task.dataOut();
        if (data.readableBytes() < length) {
            throw new CheckCondition(SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR));
        }
        byte[] list = new byte[(int) length];
        data.getBytes(data.readerIndex(), list);
        int relativePort = task.relativePortId();
        PrOutParameters params = PrOutParameters.parse(op, list, relativePort, task.lu().portGroup().peer() != null);
        InitiatorPort nexus = task.dispatcher().initiatorPort(task);
        PrType chosen = type;
        int lun = task.request().lun();
        return task.dispatcher().reservations(lun)
                .change(s -> aborting(op, PrOutRules.apply(op, s, nexus, chosen, params)))
                .thenCompose(notices -> op != ScsiOpcode.PERSISTENT_RESERVE_OUT_PREEMPT_AND_ABORT
                        ? CompletableFuture.completedFuture(null)
                        : task.dispatcher().abortTasksOf(lun, ReservationNotice.preempted(notices)))
                .thenApply(v -> ScsiResponses.good(length, task.edtl()));
    }

    /** PREEMPT AND ABORT's change says so, so a pair's other node aborts the preempted nexuses' tasks too. */
    private static LunReservations.Outcome aborting(ScsiOpcode op, LunReservations.Outcome o) {
        return op == ScsiOpcode.PERSISTENT_RESERVE_OUT_PREEMPT_AND_ABORT ? o.aborting() : o;
    }

    /** The service actions whose CDB names a scope and a type. */
    private static boolean takesType(ScsiOpcode op) {
        return op == ScsiOpcode.PERSISTENT_RESERVE_OUT_RESERVE || op == ScsiOpcode.PERSISTENT_RESERVE_OUT_RELEASE
                || op == ScsiOpcode.PERSISTENT_RESERVE_OUT_PREEMPT
                || op == ScsiOpcode.PERSISTENT_RESERVE_OUT_PREEMPT_AND_ABORT;
    }
}
