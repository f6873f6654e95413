package net.twinblock.iscsi.scsi;

/**
 * Ends a command with RESERVATION CONFLICT status (no sense data): the LU's reservations
 * forbid it from this I_T nexus, or a PROUT named a key that is not this nexus's.
 */
final class ReservationConflict extends RuntimeException {

    private static final long serialVersionUID = 1L;

    static final ReservationConflict INSTANCE = new ReservationConflict();

    private ReservationConflict() {
        super("reservation conflict", null, false, false);
    }

    static ScsiResponse response() {
        return new ScsiResponse(ScsiStatus.RESERVATION_CONFLICT, null, null, 0, false, false);
    }
}
