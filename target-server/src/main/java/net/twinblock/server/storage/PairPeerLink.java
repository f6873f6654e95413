package net.twinblock.server.storage;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.IscsiTarget;
import net.twinblock.iscsi.lun.PairPeer;
import net.twinblock.mirror.pair.PairNode;
import net.twinblock.mirror.pair.PeerCalls;
import net.twinblock.mirror.pair.PairVolume;
import net.twinblock.mirror.pair.Role;

/**
 * The frontend's {@link PairPeer} over the engine's {@link PeerCalls}: each LUN's SCSI messages
 * travel on that LUN's mirror link, the primary decides, and at every link-up the secondary asks
 * for the LUN's whole reservation state (and bars nothing-but-identification until it is there),
 * so a secondary that restarted, or missed changes while apart, enforces the current one. Neither
 * module knows the other; this class joins them.
 */
public final class PairPeerLink implements PairPeer {

    private static final Logger LOG = System.getLogger(PairPeerLink.class.getName());

    private final PairNode pair;

    private PairPeerLink(PairNode pair) {
        this.pair = pair;
    }

    /**
     * Pairs {@code server} with the partner through every LUN's link of {@code pair}: before the
     * target serves, since from then on a pair's COMPARE AND WRITE relies on the write gate.
     */
    public static void wire(PairNode pair, IscsiTarget server) {
        server.pairWith(new PairPeerLink(pair));
        for (int lun : pair.volumeNumbers()) {
            PairVolume volume = pair.volume(lun);
            // The secondary's writes pass the same gate as this node's: COMPARE AND WRITE is atomic against both.
            volume.gateForwardedWrites(() -> server.admitPartnerWrite(lun));
            PeerCalls calls = volume.calls();
            calls.answerWith(message -> server.peerMessage(lun, message));
            calls.whenLinked(() -> {
                if (pair.role() != Role.PRIMARY) {
                    server.refreshReservationState(lun).whenComplete((v, e) -> {
                        if (e != null) {
                            LOG.log(Level.WARNING, "LUN {0}: no reservation state from the primary (commands that"
                                    + " reservations may bar wait for the next link): {1}", lun, e.toString());
                        }
                    });
                }
            });
        }
    }

    @Override
    public boolean forwards() {
        return pair.role() != Role.PRIMARY;
    }

    @Override
    public CompletableFuture<byte[]> call(int lun, byte[] message) {
        return translate(calls(lun).call(message));
    }

    @Override
    public CompletableFuture<Void> replicate(int lun, byte[] message) {
        return translate(calls(lun).replicate(message));
    }

    private PeerCalls calls(int lun) {
        PairVolume v = pair.volume(lun);
        if (v == null) {
            throw new IllegalArgumentException("LUN " + lun + " is not mirrored");
        }
        return v.calls();
    }

    private static <T> CompletableFuture<T> translate(CompletableFuture<T> f) {
        return f.exceptionallyCompose(e -> CompletableFuture.failedFuture(VolumeStorage.toStorageException(e)));
    }
}
