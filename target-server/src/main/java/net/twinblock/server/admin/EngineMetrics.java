package net.twinblock.server.admin;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How each mirror-engine counter ("record.hits", ...) is exported to Prometheus: its metric name,
 * type and the factor to a base unit. The engine's names are its API and stay as they are; this
 * table is where they meet Prometheus conventions (cumulative counts are counters ending in
 * {@code _total}, gauges never do, time in seconds, sizes in bytes, ratios as fractions).
 */
final class EngineMetrics {

    /** One exported metric: {@code value * scale} printed under {@code name}. */
    record Metric(String name, String type, double scale, String help) {
        /** In decimal, so 7 ns print as 0.000000007 rather than a binary rounding of it. */
        String format(long value) {
            return scale == 1 ? Long.toString(value)
                    : BigDecimal.valueOf(value).multiply(BigDecimal.valueOf(scale)).stripTrailingZeros().toPlainString();
        }
    }

    private static final String COUNTER = "counter";
    private static final String GAUGE = "gauge";
    private static final Map<String, Metric> TABLE = new LinkedHashMap<>();

    static {
        gauge("pair.inconsistent", "twinblock_pair_inconsistent",
                "1 while this node's copy is inconsistent (a resync to it did not finish).");
        metric("pair.inconsistent_resync_percent", "twinblock_pair_inconsistent_resync_progress_ratio", GAUGE, 0.01,
                "How far the unfinished resync that left this copy inconsistent got (0 to 1).");
        gauge("pair.split_brain", "twinblock_pair_split_brain", "1 while the partner refuses this node for split brain.");
        gauge("mirror.ops_pending", "twinblock_mirror_ops_pending", "Mirrored operations awaiting the partner.");
        counter("mirror.link_ups", "twinblock_mirror_link_ups_total", "Times the mirror link came up.");
        counter("mirror.full_copies", "twinblock_mirror_full_copies_total", "Full copies to the secondary started.");
        counter("mirror.forwarded_served", "twinblock_mirror_forwarded_served_total",
                "Host writes a secondary forwarded that this primary applied.");
        counter("mirror.forwarded_sent", "twinblock_mirror_forwarded_sent_total",
                "Host writes this secondary forwarded to its primary.");
        counter("mirror.received_applied", "twinblock_mirror_received_applied_total",
                "Mirrored writes this node applied to its volume.");
        counter("mirror.received_flushes", "twinblock_mirror_received_flushes_total", "Flushes this node received.");
        counter("mirror.failures_reported", "twinblock_mirror_failures_reported_total",
                "Mirrored writes, discards and flushes this secondary answered its primary as failed, and links it ended"
                        + " for a detached disk (each is logged).");
        counter("journal.entries", "twinblock_journal_entries_total",
                "Mirrored writes and discards this secondary appended to its journal.");
        counter("journal.batches", "twinblock_journal_appends_total",
                "Gathering writes that appended them (entries per append is the batching).");
        counter("journal.syncs", "twinblock_journal_syncs_total",
                "fdatasyncs of the journal (one per batch that held a FUA write or a flush).");
        counter("journal.frees", "twinblock_journal_frees_total",
                "Times the journal reached journal.max-size and was freed (the primary's writes waited).");
        metric("journal.bytes", "twinblock_journal_bytes", GAUGE, 1, "Bytes the journal's segments hold.");
        counter("journal.replayed", "twinblock_journal_replayed_entries_total",
                "Journal entries replayed at this start (left by an unclean stop).");
        counter("journal.points", "twinblock_journal_points_total",
                "Consistency points this secondary applied to its volume and recorded.");
        counter("journal.blocks_by_reference", "twinblock_journal_referenced_blocks_total",
                "Blocks consistency points applied from this secondary's journal by reference.");
        counter("journal.blocks_whole", "twinblock_journal_whole_blocks_total",
                "Blocks consistency points carried whole.");
        counter("journal.blocks_rebuilt", "twinblock_journal_rebuilt_blocks_total",
                "Referenced blocks a later journal entry also wrote, rebuilt from the journal in order.");
        counter("mirror.link_bytes", "twinblock_mirror_link_bytes_total",
                "Bytes of mirrored operations' and consistency points' frames sent (headers and re-sends too).");
        counter("mirror.host_bytes", "twinblock_mirror_host_written_bytes_total",
                "Bytes of host writes mirrored: link bytes per host byte is the link's cost.");
        counter("cp.points_sent", "twinblock_cp_points_sent_total", "Consistency points this primary sent.");
        counter("cp.blocks_by_reference", "twinblock_cp_referenced_blocks_total",
                "Blocks this primary's points named by reference (transfer id) instead of sending them.");
        counter("cp.blocks_partial", "twinblock_cp_partial_blocks_total",
                "Blocks written only in part between points, which the secondary rebuilt from its journal.");
        metric("mirror.heartbeat_gap_max_ms", "twinblock_mirror_heartbeat_gap_max_seconds", GAUGE, 0.001,
                "The longest the partner went quiet on the link.");

        counter("resync.bitmap_resyncs", "twinblock_resync_bitmap_resyncs_total", "Bitmap resyncs run.");
        gauge("resync.regions_marked", "twinblock_resync_regions_marked", "Regions marked changed in the outage bitmap.");
        gauge("resync.region_size_bytes", "twinblock_resync_region_size_bytes", "Size of one bitmap region.");
        gauge("resync.last_regions_marked", "twinblock_resync_last_regions_marked",
                "Regions the last bitmap resync had to copy.");
        counter("resync.bytes_copied", "twinblock_resync_copied_bytes_total", "Bytes bitmap resyncs copied.");
        counter("resync.regions_copied", "twinblock_resync_copied_regions_total", "Regions bitmap resyncs copied.");
        gauge("resync.regions_done", "twinblock_resync_regions_done", "Regions the last bitmap resync has done.");
        gauge("resync.regions_total", "twinblock_resync_regions", "Regions of the last bitmap resync in all.");
        metric("resync.rate_kib_per_second", "twinblock_resync_rate_bytes_per_second", GAUGE, 1024,
                "Copy rate of the last bitmap resync.");
        gauge("resync.eta_seconds", "twinblock_resync_eta_seconds", "Estimated time left for the bitmap resync.");
        gauge("resync.checksum_running", "twinblock_resync_checksum_running", "1 while a checksum resync runs.");
        gauge("resync.checksum_region", "twinblock_resync_checksum_regions_done", "Regions the checksum resync has done.");
        gauge("resync.checksum_regions_total", "twinblock_resync_checksum_regions",
                "Regions of the checksum resync in all.");
        gauge("resync.checksum_start_region", "twinblock_resync_checksum_start_region",
                "Region where the last checksum resync started (a restart resumes there).");
        metric("resync.checksum_rate_kib_per_second", "twinblock_resync_checksum_rate_bytes_per_second", GAUGE, 1024,
                "Compare rate of the checksum resync.");
        gauge("resync.checksum_eta_seconds", "twinblock_resync_checksum_eta_seconds",
                "Estimated time left for the checksum resync.");
        counter("resync.checksum_regions_scanned", "twinblock_resync_checksum_scanned_regions_total",
                "Regions checksum resyncs compared.");
        counter("resync.checksum_blocks_differing", "twinblock_resync_checksum_differing_blocks_total",
                "Blocks checksum resyncs found different.");
        counter("resync.checksum_blocks_copied", "twinblock_resync_checksum_copied_blocks_total",
                "Blocks checksum resyncs copied.");

        counter("scrub.runs", "twinblock_scrub_runs_total", "Scrubs finished or failed.");
        gauge("scrub.running", "twinblock_scrub_running", "1 while a scrub runs.");
        gauge("scrub.throttled", "twinblock_scrub_throttled", "1 while the scrub is slowed for host I/O.");
        metric("scrub.rate_kib_per_second", "twinblock_scrub_rate_bytes_per_second", GAUGE, 1024,
                "Compare rate of the running scrub.");
        gauge("scrub.regions_done", "twinblock_scrub_regions_done", "Regions the running scrub has compared.");
        gauge("scrub.regions", "twinblock_scrub_regions", "Regions of the running scrub in all.");
        gauge("scrub.eta_seconds", "twinblock_scrub_eta_seconds", "Estimated time left for the running scrub.");
        counter("scrub.regions_scanned_total", "twinblock_scrub_scanned_regions_total", "Regions scrubs compared.");
        counter("scrub.mismatched_blocks_total", "twinblock_scrub_mismatched_blocks_total",
                "Blocks scrubs found different.");
        counter("scrub.repaired_blocks_total", "twinblock_scrub_repaired_blocks_total", "Blocks scrubs repaired.");
        gauge("scrub.last_mismatched_blocks", "twinblock_scrub_last_mismatched_blocks",
                "Blocks the last scrub found different.");
        gauge("scrub.last_repaired_blocks", "twinblock_scrub_last_repaired_blocks", "Blocks the last scrub repaired.");

        gauge("record.recovering", "twinblock_record_recovering", "1 while a crash resync from the record runs.");
        counter("record.resync_bytes_total", "twinblock_record_resync_bytes_total",
                "Bytes of recorded extents crash resyncs compared.");
        counter("record.resync_bytes_copied_total", "twinblock_record_resync_bytes_copied_total",
                "Bytes crash resyncs copied because they differed.");
        counter("record.resync_extents_total", "twinblock_record_resync_extents_total",
                "Recorded extents crash resyncs compared.");
        counter("record.host_writes", "twinblock_record_host_writes_total", "Host writes the record saw.");
        counter("record.hits", "twinblock_record_hits_total", "Host writes inside an extent already recorded.");
        counter("record.misses", "twinblock_record_misses_total", "Host writes that needed a new extent.");
        counter("record.writes", "twinblock_record_writes_total", "Writes of the record to disk.");
        metric("record.writes_per_1000_host_writes_milli", "twinblock_record_writes_per_host_write", GAUGE, 1e-6,
                "Record writes per host write.");
        gauge("record.extents", "twinblock_record_extents", "Extents in the record.");
        counter("record.evictions", "twinblock_record_evictions_total", "Extents evicted from the record.");
        gauge("record.extents_dirty", "twinblock_record_extents_dirty", "Extents no flush of both nodes covers yet.");
        counter("record.room_flushes", "twinblock_record_room_flushes_total",
                "Flushes of both nodes made to free record capacity.");
        counter("record.applied", "twinblock_record_applied_total", "Record snapshots this secondary persisted.");
        counter("record.reads_local", "twinblock_record_reads_local_total",
                "Secondary reads served without asking the primary.");
        counter("record.reads_after_status_query", "twinblock_record_reads_after_status_query_total",
                "Secondary reads that asked the primary first.");
        counter("record.status_query_failures", "twinblock_record_status_query_failures_total",
                "Status queries to the primary that failed.");
        metric("record.status_query_nanos_sum", "twinblock_record_status_query_seconds_total", COUNTER, 1e-9,
                "Time spent in status queries to the primary.");
    }

    private EngineMetrics() {
    }

    /**
     * The export of an engine counter. One the table does not know yet is exported under its own
     * name: a counter if that ends in "_total", else a gauge, so the output stays valid.
     */
    static Metric of(String engineName) {
        Metric m = TABLE.get(engineName);
        if (m != null) {
            return m;
        }
        String name = "twinblock_" + engineName.replaceAll("[^a-zA-Z0-9_]", "_");
        return new Metric(name, name.endsWith("_total") ? COUNTER : GAUGE, 1,
                "Mirror engine counter " + engineName + ".");
    }

    /** The engine counters this table names. */
    static java.util.Set<String> engineNames() {
        return java.util.Collections.unmodifiableSet(TABLE.keySet());
    }

    private static void counter(String engine, String name, String help) {
        metric(engine, name, COUNTER, 1, help);
    }

    private static void gauge(String engine, String name, String help) {
        metric(engine, name, GAUGE, 1, help);
    }

    private static void metric(String engine, String name, String type, double scale, String help) {
        TABLE.put(engine, new Metric(name, type, scale, help));
    }
}
