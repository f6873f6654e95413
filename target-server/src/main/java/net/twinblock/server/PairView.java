package net.twinblock.server;

import java.util.ArrayList;
import java.util.List;
import net.twinblock.iscsi.lun.PortGroup;
import net.twinblock.mirror.pair.PairNode;
import net.twinblock.mirror.pair.PairStatus;
import net.twinblock.mirror.pair.PairVolume;
import net.twinblock.mirror.pair.QuorumView;
import net.twinblock.mirror.pair.SplitBrainStatus;
import net.twinblock.server.admin.MirrorSnapshot;
import net.twinblock.server.admin.PairSnapshot;
import net.twinblock.server.config.MirrorSettings;

/** The pair as the admin endpoint shows it: the engine's state in the endpoint's plain values. */
final class PairView {

    private PairView() {
    }

    static PairSnapshot of(PairNode p, MirrorSettings m, PortGroup portGroup) {
        PairStatus s = p.status();
        List<MirrorSnapshot> luns = new ArrayList<>();
        for (PairVolume v : p.volumes()) {
            PairStatus vs = v.status();
            var meta = v.metadata();
            luns.add(new MirrorSnapshot(v.number(), lower(vs.state().name()), peer(vs.peer()), vs.syncDoneBytes(),
                    vs.syncTotalBytes(), meta.generation(), meta.volumeId(), v.metrics(), splitBrain(v.splitBrain()),
                    v.refusal(), v.linkFailure()));
        }
        return new PairSnapshot(p.nodeName(), Node.roleName(s.role()), lower(s.state().name()), peer(s.peer()), p.peerName(),
                m.portGroup(), lower(portGroup.state().name()), lower(m.onPeerLoss().name()), luns, p.notServing(),
                p.witness(), p.witnessConnected(), quorum(p.quorumView()));
    }

    /** Quorum in the endpoint's terms; null without a witness. */
    private static java.util.Map<String, Object> quorum(QuorumView q) {
        if (q == null) {
            return null;
        }
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("votes", q.votes());
        out.put("witness", q.witness());
        out.put("witnessConnected", q.witnessConnected());
        out.put("witnessProblem", q.witnessProblem());
        out.put("partnerLinked", q.partnerLinked());
        out.put("leaseHeld", q.leaseHeld());
        out.put("leaseRemainingMillis", q.leaseRemainingMillis());
        out.put("epoch", q.epoch());
        out.put("recordedPrimary", q.recordedPrimary());
        out.put("peerState", q.peerState());
        out.put("lastRefusal", q.lastRefusal());
        return out;
    }

    static String lower(String name) {
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    /** Both sides of a standing split brain in the admin endpoint's terms; null if none. */
    private static MirrorSnapshot.SplitBrain splitBrain(SplitBrainStatus s) {
        if (s == null) {
            return null;
        }
        return new MirrorSnapshot.SplitBrain(s.reason(), s.localName(), s.localGenerations().describe(), s.peerName(),
                s.peerGenerations() == null ? null : s.peerGenerations().describe(), s.pendingDiscard());
    }

    /** "host/1.2.3.4:5" or "/1.2.3.4:5" (InetSocketAddress.toString) as an administrator writes it: "1.2.3.4:5". */
    static String peer(String address) {
        return address == null ? null : address.substring(address.lastIndexOf('/') + 1);
    }

}
