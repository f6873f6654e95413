package net.twinblock.iscsi.reservation;

import java.util.concurrent.CompletableFuture;

/**
 * Where every reservation change goes before the command that made it gets GOOD. On one node
 * that is the APTPL file ({@link LocalReservationStore}); on a pair it will also be the peer,
 * so both nodes enforce one state. A failed future fails the command and leaves the state as
 * it was.
 */
public interface ReservationStore {

    /** The state an LU starts with (what APTPL kept from an earlier run), or EMPTY. */
    ReservationState initial(int lun);

    /** Makes {@code change} durable (and known wherever it must be); completes when it is. */
    CompletableFuture<Void> apply(ReservationChange change);

    /** Keeps nothing: state lives as long as the process. For tests and embedders without a disk. */
    ReservationStore IN_MEMORY = new ReservationStore() {
        @Override
        public ReservationState initial(int lun) {
            return ReservationState.EMPTY;
        }

        @Override
        public CompletableFuture<Void> apply(ReservationChange change) {
            return CompletableFuture.completedFuture(null);
        }
    };
}
