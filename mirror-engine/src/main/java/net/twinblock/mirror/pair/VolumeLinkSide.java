package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import net.twinblock.mirror.link.PeerErrorCode;

/**
 * What both ends do alike with a link: offer this copy's data generations in the HELLO exchange,
 * and show a refusal (split brain, unrelated data, a LUN configured on one node only) until a
 * link comes up.
 */
abstract class VolumeLinkSide implements LinkSide {

    final VolumeState volume;
    final SplitBrainResolver splitBrain;

    VolumeLinkSide(VolumeState volume, SplitBrainResolver splitBrain) {
        this.volume = volume;
        this.splitBrain = splitBrain;
    }

    @Override
    public byte[] generations() {
        return volume.meta.get().generations().encode();
    }

    @Override
    public void refused(Channel ch, PeerErrorCode code, String reason) {
        if (code == PeerErrorCode.VOLUME_MISMATCH || code == PeerErrorCode.DISK_FAILED) {
            volume.refusal = reason; // the configs disagree, or the partner's disk failed: no generations to record
            return;
        }
        splitBrain.refused(ch, code, reason);
    }

    @Override
    public void linkFailed(Channel ch, String reason) {
        volume.linkFailure = reason;
    }

    /** A link is up for this volume: no refusal or failure stands any more. */
    final void linked() {
        volume.refusal = null;
        volume.linkFailure = null;
    }
}
