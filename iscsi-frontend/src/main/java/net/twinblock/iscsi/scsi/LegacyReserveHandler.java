package net.twinblock.iscsi.scsi;

import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.reservation.InitiatorPort;
import net.twinblock.iscsi.reservation.ReservationState;
import net.twinblock.iscsi.scsi.LunReservations.Outcome;

/**
 * RESERVE and RELEASE (6) and (10), the SPC-2 reservations: one nexus holds the whole LU until
 * it releases, its session ends, or a reset. They live in the same state as the persistent
 * ones, and meet them as SPC-4 §5.13.3 says (CRH=1): RESERVE conflicts with any registration,
 * RELEASE then does nothing.
 */
final class LegacyReserveHandler implements CommandHandler {

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        byte[] cdb = task.cdb();
        boolean ten = task.op() == ScsiOpcode.RESERVE_10 || task.op() == ScsiOpcode.RELEASE_10;
        // Third-party and extent reservations (SPC-2 options we do not offer).
        if ((cdb[1] & (ten ? 0x13 : 0x1f)) != 0) {
            throw CheckCondition.invalidField(1, ten ? 4 : 0);
        }
        InitiatorPort nexus = task.dispatcher().initiatorPort(task);
        boolean reserve = task.op() == ScsiOpcode.RESERVE_6 || task.op() == ScsiOpcode.RESERVE_10;
        return task.dispatcher().reservations(task.request().lun())
                .change(s -> reserve ? reserve(s, nexus) : release(s, nexus))
                .thenApply(v -> ScsiResponses.good());
    }

    private static Outcome reserve(ReservationState s, InitiatorPort nexus) {
        if (s.reserved() || !s.registrations().isEmpty()
                || (s.legacyHolder() != null && !s.legacyHolder().equals(nexus))) {
            throw ReservationConflict.INSTANCE;
        }
        return Outcome.of(s.withLegacyHolder(nexus));
    }

    private static Outcome release(ReservationState s, InitiatorPort nexus) {
        return Outcome.of(nexus.equals(s.legacyHolder()) ? s.withLegacyHolder(null) : s);
    }
}
