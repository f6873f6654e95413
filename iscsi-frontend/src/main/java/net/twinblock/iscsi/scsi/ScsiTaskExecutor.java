package net.twinblock.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * The SCSI layer as the session layer sees it: one entry for commands, a few for the task
 * management that changes SCSI state (unit attentions, reservations).
 *
 * <p>The session layer calls {@link #execute} on the connection's event loop, in CmdSN order;
 * the executor must not block there (storage I/O goes to storage threads). The future may
 * complete on any thread. It never completes exceptionally: failures become CHECK CONDITION.
 */
public interface ScsiTaskExecutor {

    /** Runs one command. Takes ownership of {@code request.dataOut()}. */
    CompletableFuture<ScsiResponse> execute(ScsiRequest request);

    /**
     * How many bytes of Data-Out the command will take, decided from its CDB when it arrives,
     * before any data is solicited: at most its EDTL, and 0 for a command that takes none or
     * that {@link #execute} will refuse (out of range, above the Block Limits maximum, ...).
     * The session solicits and keeps no more, so a huge EDTL costs no memory. {@code request}
     * carries no Data-Out. Called on the event loop; must not block.
     *
     * <p>This default takes the whole EDTL, for scripted SCSI layers in tests.
     */
    default long dataOutLength(ScsiRequest request) {
        return Integer.toUnsignedLong(request.expectedDataTransferLength());
    }

    /** True if the LUN exists (TMF LUN RESET to an unknown LUN is answered differently). */
    boolean lunExists(int lun);

    /** A new I_T nexus logged in: it starts with a POWER ON / RESET unit attention. */
    void nexusAdded(Nexus nexus);

    /** The nexus's session ended: drop its unit attentions (reservations stay, per SPC). */
    void nexusRemoved(Nexus nexus);

    /**
     * A LUN RESET was done by {@code by}: unit attentions (BUS DEVICE RESET FUNCTION OCCURRED)
     * are established as SAM-5 requires; reservations on the LUN are cleared. Completes when
     * every nexus that must hear of it will (on a pair, the partner's too): the TMF response waits.
     */
    CompletableFuture<Void> lunReset(int lun, Nexus by);

    /** A TARGET WARM RESET was done: as {@link #lunReset} for every LUN. */
    CompletableFuture<Void> targetReset(Nexus by);
}
