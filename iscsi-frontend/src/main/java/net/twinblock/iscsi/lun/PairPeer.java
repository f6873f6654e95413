package net.twinblock.iscsi.lun;

import java.util.concurrent.CompletableFuture;

/**
 * The other node of a pair as the SCSI layer needs it, so the pair is one SCSI device with two
 * target ports: the embedder carries the messages (opaque bytes the frontend writes and reads)
 * and hands the partner's to {@code IscsiTarget.peerMessage}. One node decides
 * reservation changes and runs the read-modify-write commands (the primary); the other
 * forwards them there, so every change has one serialization point.
 */
public interface PairPeer {

    /** True while the other node decides (this node is the secondary). */
    boolean forwards();

    /**
     * Asks the other node about LUN {@code lun} (a forwarded command, a reset); completes with its
     * answer, or fails with a retryable {@link StorageException} when it
     * cannot be reached.
     */
    CompletableFuture<byte[]> call(int lun, byte[] message);

    /**
     * Gives the other node what it must enforce before this node answers a host (a reservation
     * change); completes when it has it, or when this node may go on without it (the embedder's
     * peer-loss policy; the whole state goes over again at the next link-up).
     */
    CompletableFuture<Void> replicate(int lun, byte[] message);

    /** A standalone node: it decides everything, and nobody hears of it. */
    PairPeer NONE = new PairPeer() {
        @Override
        public boolean forwards() {
            return false;
        }

        @Override
        public CompletableFuture<byte[]> call(int lun, byte[] message) {
            return CompletableFuture.completedFuture(new byte[0]);
        }

        @Override
        public CompletableFuture<Void> replicate(int lun, byte[] message) {
            return CompletableFuture.completedFuture(null);
        }
    };
}
