package net.twinblock.server.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.twinblock.iscsi.session.SessionInfo;
import net.twinblock.server.config.ValueParsers;

/**
 * GET /status: what the node serves and to whom, as JSON. Field names are part of the admin
 * interface (scripts read them): add fields, do not rename them.
 */
public final class StatusReport {

    private StatusReport() {
    }

    public static Map<String, Object> of(NodeView node) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> self = new LinkedHashMap<>();
        self.put("state", node.state());
        self.put("version", node.version());
        self.put("uptimeSeconds", node.uptime().toSeconds());
        self.put("transport", node.transport());
        out.put("node", self);
        // What /health answers, so status says the same: serving, or why not.
        String unavailable = HealthReport.reason(node);
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("serving", unavailable == null);
        health.put("reason", unavailable);
        out.put("health", health);

        Map<String, Object> target = new LinkedHashMap<>();
        target.put("name", node.targetName());
        target.put("alias", node.targetAlias());
        target.put("portals", node.portals().stream().map(ValueParsers::format).toList());
        target.put("authentication", node.authentication());
        out.put("target", target);

        List<Object> luns = new ArrayList<>();
        for (NodeView.Lun lun : node.luns()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("lun", lun.lun());
            l.put("sizeBytes", lun.sizeBytes());
            l.put("blockSize", lun.blockSize());
            l.put("blocks", lun.sizeBytes() / lun.blockSize());
            l.put("path", lun.path().toString());
            l.put("serial", lun.serial());
            l.put("naa", lun.naa());
            NodeView.Disk disk = lun.disk().get();
            l.put("disk_failed", disk.failed());
            l.put("disk_detached", disk.detached());
            l.put("flush_poisoned", disk.flushPoisoned());
            l.put("disk_failure", disk.failure());
            luns.add(l);
        }
        out.put("luns", luns);

        out.put("sessions", sessions(node));

        PairSnapshot m = node.mirror();
        out.put("mirror", m == null ? Map.of("role", "standalone") : mirror(m));
        return out;
    }

    /**
     * The hosts' sessions: who (initiator name, ISID), the TSIH this node gave it, from where,
     * its connections, commands received so far and commands not yet answered.
     */
    public static List<Object> sessions(NodeView node) {
        List<Object> sessions = new ArrayList<>();
        for (SessionInfo s : node.sessions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("initiator", s.initiatorName());
            m.put("isid", s.isid());
            m.put("tsih", s.tsih());
            m.put("type", s.type());
            m.put("remoteAddress", s.remoteAddress());
            m.put("connections", s.connections());
            m.put("commands", s.commands());
            m.put("inFlight", s.inFlight());
            sessions.add(m);
        }
        return sessions;
    }

    /**
     * Both nodes' names and generations side by side, and the command that ends it: an
     * administrator compares the two and names the node whose writes since the split are dropped.
     */
    private static Map<String, Object> splitBrain(MirrorSnapshot.SplitBrain b) {
        if (b == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reason", b.reason());
        Map<String, Object> local = new LinkedHashMap<>();
        local.put("name", b.localName());
        local.put("generations", b.localGenerations());
        out.put("local", local);
        Map<String, Object> peer = new LinkedHashMap<>();
        peer.put("name", b.peerName());
        peer.put("generations", b.peerGenerations());
        out.put("peer", peer);
        out.put("resolve", "twinblock resolve --discard NAME (NAME: " + b.localName()
                + (b.peerName() == null ? "" : " or " + b.peerName()) + ", the node whose writes are dropped;"
                + " run against either node)");
        out.put("pendingDiscard", b.pendingDiscard());
        return out;
    }

    private static Map<String, Object> mirror(PairSnapshot p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", p.name());
        out.put("role", p.role());
        out.put("state", p.state());
        out.put("peer", p.peer());
        out.put("peerName", p.peerName());
        out.put("portGroup", p.portGroup());
        out.put("aluaState", p.aluaState());
        out.put("onPeerLoss", p.onPeerLoss());
        out.put("serving", p.notServing() == null);
        out.put("notServing", p.notServing());
        out.put("witness", p.witness());
        out.put("quorum", p.quorum());
        List<Object> luns = new ArrayList<>();
        for (MirrorSnapshot m : p.luns()) {
            luns.add(lun(m));
        }
        out.put("luns", luns);
        return out;
    }

    /** One mirrored LUN: its state, copy progress, writes, resync and scrub. */
    private static Map<String, Object> lun(MirrorSnapshot m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lun", m.lun());
        out.put("state", m.state());
        out.put("peer", m.peer());
        out.put("refusal", m.refusal());
        out.put("linkFailure", m.linkFailure());
        out.put("generation", m.generation());
        out.put("volumeId", m.volumeId());
        // False on a secondary left mid-resync: promote refuses it without --force.
        out.put("consistent", m.counter("pair.inconsistent") == 0);
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("doneBytes", m.syncDoneBytes());
        progress.put("totalBytes", m.syncTotalBytes());
        progress.put("percent", m.syncPercent());
        out.put("progress", progress);
        Map<String, Object> writes = new LinkedHashMap<>();
        writes.put("mirrored", m.counter("mirror.writes_mirrored"));
        writes.put("degraded", m.counter("mirror.writes_degraded"));
        writes.put("failed", m.counter("mirror.writes_failed"));
        writes.put("pending", m.counter("mirror.ops_pending"));
        out.put("writes", writes);
        // Frames per mirrored write as this node received them (a secondary): the small-write
        // path costs one frame, the large one at least three.
        Map<String, Object> frames = new LinkedHashMap<>();
        frames.put("smallWrites", m.counter("mirror.received_small_writes"));
        frames.put("smallFrames", m.counter("mirror.received_small_frames"));
        frames.put("largeWrites", m.counter("mirror.received_large_writes"));
        frames.put("largeFrames", m.counter("mirror.received_large_frames"));
        out.put("frames", frames);
        // Resync and scrub (DESIGN section 7): what a reconnect is copying and what the last scrub found.
        Map<String, Object> resync = new LinkedHashMap<>();
        resync.put("splitBrain", m.counter("pair.split_brain") == 1);
        resync.put("regionsMarked", m.counter("resync.regions_marked"));
        resync.put("regionsDone", m.counter("resync.regions_done"));
        resync.put("regionsTotal", m.counter("resync.regions_total"));
        resync.put("megabytesPerSecond", m.counter("resync.rate_kib_per_second") * 1024 / 1e6);
        resync.put("secondsLeft", m.counter("resync.eta_seconds"));
        resync.put("checksumRunning", m.counter("resync.checksum_running") == 1);
        resync.put("checksumRegion", m.counter("resync.checksum_region"));
        resync.put("checksumRegionsTotal", m.counter("resync.checksum_regions_total"));
        resync.put("checksumBlocksCopied", m.counter("resync.checksum_blocks_copied"));
        resync.put("checksumMegabytesPerSecond", m.counter("resync.checksum_rate_kib_per_second") * 1024 / 1e6);
        resync.put("checksumSecondsLeft", m.counter("resync.checksum_eta_seconds"));
        if (m.counter("pair.inconsistent") == 1) {
            // -1: the node restarted before it could save how far the resync got.
            resync.put("inconsistentPercent", m.counter("pair.inconsistent_resync_percent"));
        }
        out.put("resync", resync);
        out.put("splitBrain", splitBrain(m.splitBrain()));
        Map<String, Object> scrub = new LinkedHashMap<>();
        scrub.put("running", m.counter("scrub.running") == 1);
        // Why a scrub is slow: hosts are using the volume, so it reads at scrub.busy-rate (or waits).
        scrub.put("throttled", m.counter("scrub.throttled") == 1);
        scrub.put("megabytesPerSecond", m.counter("scrub.rate_kib_per_second") * 1024 / 1e6);
        scrub.put("regionsDone", m.counter("scrub.regions_done"));
        scrub.put("regionsTotal", m.counter("scrub.regions"));
        scrub.put("secondsLeft", m.counter("scrub.eta_seconds"));
        scrub.put("runs", m.counter("scrub.runs"));
        scrub.put("lastMismatchedBlocks", m.counter("scrub.last_mismatched_blocks"));
        scrub.put("lastRepairedBlocks", m.counter("scrub.last_repaired_blocks"));
        scrub.put("mismatchedBlocksTotal", m.counter("scrub.mismatched_blocks_total"));
        out.put("scrub", scrub);
        out.put("counters", new java.util.TreeMap<>(m.counters()));
        return out;
    }
}
