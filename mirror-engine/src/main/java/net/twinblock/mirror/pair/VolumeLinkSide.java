package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import net.twinblock.mirror.link.PeerErrorCode;

/**
 * What both ends do alike with a link: offer this copy's data generations in the HELLO exchange,
 * and show a refusal for them (split brain, unrelated data) until a link comes up.
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
        splitBrain.refused(ch, code, reason);
    }
}
