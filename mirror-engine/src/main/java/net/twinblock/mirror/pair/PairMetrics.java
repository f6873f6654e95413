package net.twinblock.mirror.pair;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import net.twinblock.mirror.link.WakeupCounter;
import net.twinblock.mirror.resync.OutageBitmap;
import net.twinblock.mirror.resync.ResyncProgress;
import net.twinblock.mirror.resync.ScrubReport;
import net.twinblock.mirror.resync.Scrubber;
import net.twinblock.mirror.store.Journal;
import net.twinblock.mirror.store.PointCounters;

/**
 * The pair's counters by name for the admin endpoint ("pair.*", "mirror.*", "journal.*", "resync.*",
 * "scrub.*", "record.*"), read from the parts that own them. The names are the endpoint's API:
 * the server prints them as Prometheus metrics, so rename none.
 */
final class PairMetrics {

    /** Counted where link traffic is handled, on whichever node receives it. */
    static final class LinkCounters {
        /** Frames per mirrored write as received by this node (a secondary), small and large apart. */
        final WakeupCounter wakeups = new WakeupCounter();
        final LongAdder applied = new LongAdder();
        final LongAdder flushesReceived = new LongAdder();
        final LongAdder forwardedServed = new LongAdder();
        /** Failed writes, discards and flushes a secondary answered to its primary. */
        final LongAdder failuresReported = new LongAdder();
    }

    private PairMetrics() {
    }

    static Map<String, Long> of(PairVolume node) {
        Map<String, Long> m = new LinkedHashMap<>();
        PairStatus s = node.status();
        VolumeState v = node.volume;
        PairMetadata.Meta meta = v.meta.get();
        m.put("pair.primary", s.role() == Role.PRIMARY ? 1L : 0L);
        m.put("pair.link_up", s.peer() != null ? 1L : 0L);
        m.put("pair.in_sync", s.state() == PairState.IN_SYNC ? 1L : 0L);
        m.put("pair.generation", meta.generation());
        PairMetadata.Resync unfinished = meta.resync();
        m.put("pair.inconsistent", unfinished == null ? 0L : 1L);
        m.put("pair.inconsistent_resync_percent", unfinished == null ? 0L
                : v.syncing ? v.resyncPercent() : (long) unfinished.percent());
        Replicator r = node.replicator();
        m.put("mirror.writes_mirrored", r == null ? 0 : r.mirrored.sum());
        m.put("mirror.writes_degraded", r == null ? 0 : r.degraded.sum());
        m.put("mirror.writes_failed", r == null ? 0 : r.failed.sum());
        m.put("mirror.ops_pending", r == null ? 0 : (long) r.pending());
        m.put("mirror.link_ups", r == null ? 0 : r.linkUps.sum());
        m.put("mirror.full_copies", r == null ? 0 : r.fullCopies.sum());
        m.put("mirror.link_bytes", r == null ? 0 : r.linkBytes.sum());
        m.put("mirror.host_bytes", r == null ? 0 : r.hostBytes.sum());
        PointCutter points = node.points();
        m.put("cp.points_sent", points == null ? 0 : points.points.sum());
        m.put("cp.blocks_by_reference", points == null ? 0 : points.blocksByReference.sum());
        m.put("cp.blocks_partial", points == null ? 0 : points.blocksPartial.sum());
        m.put("pair.split_brain", node.splitBrain.state.active() && s.peer() == null ? 1L : 0L);
        m.put("resync.bitmap_resyncs", r == null ? 0 : r.bitmapResyncs.sum());
        resync(m, v.bitmap(), node.resyncs);
        scrub(m, node.scrubs.current());
        LinkCounters c = node.counters;
        m.put("mirror.sync_done_bytes", s.syncDoneBytes());
        m.put("mirror.sync_total_bytes", s.syncTotalBytes());
        m.put("mirror.forwarded_served", c.forwardedServed.sum());
        m.put("mirror.failures_reported", c.failuresReported.sum());
        m.put("mirror.received_small_writes", c.wakeups.smallWrites());
        m.put("mirror.received_small_frames", c.wakeups.smallFrames());
        m.put("mirror.received_large_writes", c.wakeups.largeWrites());
        m.put("mirror.received_large_frames", c.wakeups.largeFrames());
        m.put("mirror.heartbeat_gap_max_ms", node.node().peerSilence.longestMillis());
        m.put("mirror.received_applied", c.applied.sum());
        m.put("mirror.received_flushes", c.flushesReceived.sum());
        journal(m, v.journal);
        SecondaryVolume sv = node.secondaryVolume();
        m.put("mirror.forwarded_sent", sv == null ? 0 : sv.forwarded());
        ResyncCoordinator rc = node.resyncs;
        m.put("record.recovering", v.recovering ? 1L : 0L);
        m.put("record.resync_bytes_total", rc.recordResyncBytes.sum());
        m.put("record.resync_bytes_copied_total", rc.recordResyncCopied.sum());
        m.putAll(v.record.metrics());
        return m;
    }

    private static void journal(Map<String, Long> m, Journal j) {
        m.put("journal.entries", j.entries());
        m.put("journal.batches", j.batches());
        m.put("journal.syncs", j.syncs());
        m.put("journal.frees", j.frees());
        m.put("journal.bytes", j.bytes());
        m.put("journal.replayed", j.replayed());
        PointCounters points = j.pointCounters();
        m.put("journal.points", points.points());
        m.put("journal.blocks_by_reference", points.blocksByReference());
        m.put("journal.blocks_whole", points.blocksWhole());
        m.put("journal.blocks_rebuilt", points.blocksRebuilt());
    }

    private static void resync(Map<String, Long> m, OutageBitmap bm, ResyncCoordinator rc) {
        m.put("resync.regions_marked", bm == null ? 0 : bm.markedCount());
        m.put("resync.region_size_bytes", bm == null ? 0 : (long) bm.regionSize());
        m.put("resync.last_regions_marked", rc.lastResyncRegionsMarked);
        m.put("resync.bytes_copied", rc.resyncBytesCopied.sum());
        m.put("resync.regions_copied", rc.resyncRegionsCopied.sum());
        ResyncProgress p = rc.lastBitmapProgress();
        m.put("resync.regions_done", p == null ? 0 : p.regionsDone());
        m.put("resync.regions_total", p == null ? 0 : p.regionsTotal());
        m.put("resync.rate_kib_per_second", p == null ? 0 : kib(p));
        m.put("resync.eta_seconds", etaSeconds(p));
        ResyncProgress cp = rc.checksumProgress();
        m.put("resync.checksum_running", rc.checksumRunning() ? 1L : 0L);
        m.put("resync.checksum_region", cp == null ? 0 : cp.regionsDone());
        m.put("resync.checksum_regions_total", cp == null ? 0 : cp.regionsTotal());
        m.put("resync.checksum_start_region", rc.lastChecksumStartRegion);
        m.put("resync.checksum_rate_kib_per_second", cp == null ? 0 : kib(cp));
        m.put("resync.checksum_eta_seconds", etaSeconds(cp));
        m.put("resync.checksum_regions_scanned", rc.checksumRegionsScanned.sum());
        m.put("resync.checksum_blocks_differing", rc.checksumBlocksDiffering.sum());
        m.put("resync.checksum_blocks_copied", rc.checksumBlocksCopied.sum());
    }

    private static void scrub(Map<String, Long> m, Scrubber sc) {
        m.put("scrub.runs", sc == null ? 0 : sc.runs());
        m.put("scrub.running", sc != null && sc.running() ? 1L : 0L);
        m.put("scrub.throttled", sc != null && sc.throttled() ? 1L : 0L);
        ResyncProgress scrubbing = sc == null ? null : sc.progress();
        m.put("scrub.rate_kib_per_second", scrubbing == null ? 0 : kib(scrubbing));
        m.put("scrub.regions_done", scrubbing == null ? 0 : scrubbing.regionsDone());
        m.put("scrub.regions", scrubbing == null ? 0 : scrubbing.regionsTotal());
        m.put("scrub.eta_seconds", etaSeconds(scrubbing));
        m.put("scrub.regions_scanned_total", sc == null ? 0 : sc.regionsScanned());
        m.put("scrub.mismatched_blocks_total", sc == null ? 0 : sc.mismatchedBlocks());
        m.put("scrub.repaired_blocks_total", sc == null ? 0 : sc.repairedBlocks());
        ScrubReport last = sc == null ? null : sc.lastReport();
        m.put("scrub.last_mismatched_blocks", last == null ? 0 : last.mismatchedBlocks());
        m.put("scrub.last_repaired_blocks", last == null ? 0 : last.repairedBlocks());
    }

    /** Time left of a running scan; 0 when none runs or nothing was compared yet. */
    private static long etaSeconds(ResyncProgress p) {
        return p == null || p.eta() == null ? 0 : p.eta().toSeconds();
    }

    private static long kib(ResyncProgress p) {
        return (long) (p.bytesPerSecond() / 1024);
    }
}
