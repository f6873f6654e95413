package net.twinblock.iscsi.reservation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One node's store: a change that alters what APTPL keeps is written to the LU's file (on
 * {@code blocking}, never the event loop) before it takes effect; other changes complete at once.
 */
public final class LocalReservationStore implements ReservationStore {

    private static final System.Logger LOG = System.getLogger(LocalReservationStore.class.getName());

    private final ReservationFiles files;
    private final Executor blocking;

    public LocalReservationStore(ReservationFiles files, Executor blocking) {
        this.files = files;
        this.blocking = blocking;
    }

    @Override
    public ReservationState initial(int lun) {
        try {
            Optional<byte[]> content = files.read(lun);
            if (content.isEmpty()) {
                return ReservationState.EMPTY;
            }
            ReservationState s = ReservationState.decode(content.get());
            return s.aptpl() ? s : ReservationState.EMPTY;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read LUN " + lun + "'s persistent reservations", e);
        } catch (IllegalArgumentException e) {
            // A file we cannot read must not silently drop a cluster's fence: refuse to start.
            throw new IllegalStateException("LUN " + lun + "'s persistent reservation file is damaged: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Void> apply(ReservationChange change) {
        if (!change.persistentPartChanged()) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] content = change.after().persistentPart().encode();
        return CompletableFuture.runAsync(() -> {
            try {
                files.replace(change.lun(), content);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot persist LUN " + change.lun() + "'s reservations", e);
                throw new UncheckedIOException(e);
            }
        }, blocking);
    }
}
