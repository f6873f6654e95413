package net.twinblock.iscsi.reservation;

import java.io.IOException;
import java.util.Optional;

/**
 * The small files APTPL needs, one per LU, supplied by the embedder (the frontend owns no
 * directory). Both methods block; {@link LocalReservationStore} calls them off the event loop.
 */
public interface ReservationFiles {

    /** The last content written for the LU, or empty if there is none. */
    Optional<byte[]> read(int lun) throws IOException;

    /** Replaces the LU's content atomically and durably: after a crash, the old or the new. */
    void replace(int lun, byte[] content) throws IOException;
}
