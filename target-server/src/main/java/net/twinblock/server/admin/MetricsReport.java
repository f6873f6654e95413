package net.twinblock.server.admin;

import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import net.twinblock.iscsi.CommandObserver;
import net.twinblock.iscsi.lun.StorageException;
import net.twinblock.iscsi.session.SessionInfo;
import net.twinblock.server.metrics.LatencyHistogram;
import net.twinblock.server.metrics.StorageCounters;

/** GET /metrics: Prometheus text exposition format 0.0.4. */
public final class MetricsReport {

    private MetricsReport() {
    }

    public static String of(NodeView node) {
        StringBuilder out = new StringBuilder(4096);
        header(out, "twinblock_node_info", "gauge", "Constant 1, labelled with what this node is.");
        out.append("twinblock_node_info{target=\"").append(escape(node.targetName())).append("\",version=\"")
                .append(escape(node.version())).append("\",transport=\"").append(node.transport())
                .append("\",state=\"").append(node.state()).append("\"} 1\n");
        header(out, "twinblock_uptime_seconds", "gauge", "Seconds since the node started.");
        out.append("twinblock_uptime_seconds ").append(node.uptime().toSeconds()).append('\n');

        Map<String, Integer> sessions = new TreeMap<>(Map.of("normal", 0, "discovery", 0));
        for (SessionInfo s : node.sessions()) {
            sessions.merge(s.type().toLowerCase(Locale.ROOT), 1, Integer::sum);
        }
        header(out, "twinblock_iscsi_sessions", "gauge", "Logged-in iSCSI sessions.");
        sessions.forEach((type, n) -> out.append("twinblock_iscsi_sessions{type=\"").append(escape(type))
                .append("\"} ").append(n).append('\n'));

        gauge(out, "twinblock_iscsi_connections", "Open iSCSI connections, logged in or not.",
                node.iscsiConnections());
        header(out, "twinblock_iscsi_connections_refused_total", "counter",
                "Connections closed at accept by iscsi.max-connections or iscsi.max-connections-per-address.");
        out.append("twinblock_iscsi_connections_refused_total ").append(node.iscsiConnectionsRefused()).append('\n');

        header(out, "twinblock_scsi_commands_total", "counter", "SCSI commands completed, by status.");
        for (String s : CommandObserver.STATUSES) {
            out.append("twinblock_scsi_commands_total{status=\"").append(s)
                    .append("\"} ").append(node.commands().completed(s)).append('\n');
        }
        header(out, "twinblock_scsi_commands_in_flight", "gauge", "SCSI commands being executed.");
        out.append("twinblock_scsi_commands_in_flight ").append(node.commands().inFlight()).append('\n');
        histogram(out, "twinblock_scsi_command_duration_seconds",
                "Time from command dispatch to its SCSI status.", node.commands().latency());

        lunCounter(out, node, "twinblock_lun_size_bytes", "gauge", "LUN capacity.", null);
        lunCounter(out, node, "twinblock_lun_reads_total", "counter", "Read operations.", StorageCounters::reads);
        lunCounter(out, node, "twinblock_lun_read_bytes_total", "counter", "Bytes read.", StorageCounters::bytesRead);
        lunCounter(out, node, "twinblock_lun_writes_total", "counter", "Write operations.", StorageCounters::writes);
        lunCounter(out, node, "twinblock_lun_written_bytes_total", "counter", "Bytes written.",
                StorageCounters::bytesWritten);
        lunCounter(out, node, "twinblock_lun_flushes_total", "counter", "Cache flushes (SYNCHRONIZE CACHE).",
                StorageCounters::flushes);
        lunCounter(out, node, "twinblock_lun_unmaps_total", "counter", "Unmap operations.", StorageCounters::unmaps);
        lunCounter(out, node, "twinblock_lun_unmapped_bytes_total", "counter", "Bytes deallocated.",
                StorageCounters::bytesUnmapped);
        header(out, "twinblock_lun_errors_total", "counter", "Failed storage operations, by the sense they become.");
        for (NodeView.Lun lun : node.luns()) {
            for (StorageException.Kind k : StorageException.Kind.values()) {
                out.append("twinblock_lun_errors_total{lun=\"").append(lun.lun()).append("\",kind=\"")
                        .append(k.name().toLowerCase(Locale.ROOT)).append("\"} ")
                        .append(lun.counters().errors(k)).append('\n');
            }
        }
        diskGauge(out, node, "twinblock_lun_disk_failed", "1 once the LUN's disk failed an I/O (not for lack of space)"
                + " or an fdatasync; with disk.on-error=detach the node no longer uses it.", NodeView.Disk::failed);
        diskGauge(out, node, "twinblock_lun_flush_poisoned", "1 once an fdatasync failed: every later flush of the LUN"
                + " is refused until the node restarts.", NodeView.Disk::flushPoisoned);
        directMemory(out);
        PairSnapshot m = node.mirror();
        if (m != null) {
            mirror(out, m);
        }
        return out.toString();
    }

    /** Engine counters with a metric of their own; any other engine counter is exported generically. */
    private static final java.util.Set<String> NAMED = java.util.Set.of("pair.primary", "pair.link_up",
            "pair.in_sync", "pair.generation", "mirror.writes_mirrored", "mirror.writes_degraded",
            "mirror.writes_failed", "mirror.sync_done_bytes", "mirror.sync_total_bytes",
            "mirror.received_small_writes", "mirror.received_small_frames", "mirror.received_large_writes",
            "mirror.received_large_frames");

    /**
     * The node's role once, then every mirror metric with one sample per LUN ({@code lun} label):
     * Prometheus wants all samples of a metric together, so the loop over LUNs is inside.
     */
    private static void mirror(StringBuilder out, PairSnapshot p) {
        header(out, "twinblock_mirror_info", "gauge", "Constant 1, labelled with this node's role and pair state.");
        out.append("twinblock_mirror_info{role=\"").append(p.role()).append("\",state=\"").append(p.state())
                .append("\",alua=\"").append(p.aluaState()).append("\",on_peer_loss=\"").append(p.onPeerLoss())
                .append("\"} 1\n");
        gauge(out, "twinblock_mirror_primary", "1 while this node is the primary.", p.role().equals("primary") ? 1 : 0);
        gauge(out, "twinblock_mirror_serving", "1 while this node may serve hosts (0: a primary waiting for its"
                + " partner's confirmation, or without its secondary and the witness's lease; a secondary without"
                + " its primary).", p.notServing() == null ? 1 : 0);
        if (p.witnessConnected() != null) {
            gauge(out, "twinblock_witness_connected", "1 while this node reaches the pair's witness.",
                    p.witnessConnected() ? 1 : 0);
        }
        List<MirrorSnapshot> luns = p.luns();
        perLun(out, luns, "twinblock_mirror_link_up", "gauge", "1 while the LUN's mirror link to the partner is up.",
                m -> m.counter("pair.link_up"));
        perLun(out, luns, "twinblock_mirror_in_sync", "gauge",
                "1 while both copies of the LUN are identical and every write is mirrored.", m -> m.counter("pair.in_sync"));
        perLun(out, luns, "twinblock_mirror_generation", "gauge", "Data generation; every promotion bumps it.",
                m -> m.counter("pair.generation"));
        header(out, "twinblock_mirror_writes_total", "counter",
                "Host writes on the primary: mirrored to both nodes, written without the secondary, or failed.");
        for (MirrorSnapshot m : luns) {
            for (String result : new String[] {"mirrored", "degraded", "failed"}) {
                out.append("twinblock_mirror_writes_total{lun=\"").append(m.lun()).append("\",result=\"")
                        .append(result).append("\"} ").append(m.counter("mirror.writes_" + result)).append('\n');
            }
        }
        perLun(out, luns, "twinblock_mirror_sync_done_bytes", "gauge", "Bytes of the running full copy done.",
                MirrorSnapshot::syncDoneBytes);
        perLun(out, luns, "twinblock_mirror_sync_total_bytes", "gauge",
                "Bytes of the running full copy in all (0: none running).", MirrorSnapshot::syncTotalBytes);
        header(out, "twinblock_mirror_sync_progress_ratio", "gauge", "Full copy progress, 1 when none is running.");
        for (MirrorSnapshot m : luns) {
            out.append("twinblock_mirror_sync_progress_ratio{lun=\"").append(m.lun()).append("\"} ")
                    .append(m.syncPercent() / 100.0).append('\n');
        }
        // The small-write protocol's promise, measured: one frame per small write, at least three per large one.
        byPath(out, luns, "twinblock_mirror_received_writes_total", "counter",
                "Mirrored writes this node received (a secondary), by protocol path.", "writes");
        byPath(out, luns, "twinblock_mirror_received_frames_total", "counter",
                "Frames of mirrored writes this node received, by protocol path.", "frames");
        header(out, "twinblock_mirror_frames_per_write", "gauge",
                "Frames received per mirrored write (small path 1, large path at least 3; NaN before the first).");
        for (MirrorSnapshot m : luns) {
            for (String path : new String[] {"small", "large"}) {
                out.append("twinblock_mirror_frames_per_write{lun=\"").append(m.lun()).append("\",path=\"")
                        .append(path).append("\"} ").append(ratio(m.counter("mirror.received_" + path + "_frames"),
                                m.counter("mirror.received_" + path + "_writes"))).append('\n');
            }
        }

        // Everything else the engine counts, named and typed by EngineMetrics' table.
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        luns.forEach(m -> names.addAll(m.counters().keySet()));
        names.removeAll(NAMED);
        for (String name : names) {
            EngineMetrics.Metric metric = EngineMetrics.of(name);
            header(out, metric.name(), metric.type(), metric.help());
            for (MirrorSnapshot m : luns) {
                out.append(metric.name()).append("{lun=\"").append(m.lun()).append("\"} ")
                        .append(metric.format(m.counter(name))).append('\n');
            }
        }
    }

    private static void perLun(StringBuilder out, List<MirrorSnapshot> luns, String name, String type, String help,
                               java.util.function.ToLongFunction<MirrorSnapshot> value) {
        header(out, name, type, help);
        for (MirrorSnapshot m : luns) {
            out.append(name).append("{lun=\"").append(m.lun()).append("\"} ").append(value.applyAsLong(m))
                    .append('\n');
        }
    }

    private static void byPath(StringBuilder out, List<MirrorSnapshot> luns, String name, String type, String help,
                               String what) {
        header(out, name, type, help);
        for (MirrorSnapshot m : luns) {
            for (String path : new String[] {"small", "large"}) {
                out.append(name).append("{lun=\"").append(m.lun()).append("\",path=\"").append(path).append("\"} ")
                        .append(m.counter("mirror.received_" + path + "_" + what)).append('\n');
            }
        }
    }

    /**
     * Off-heap memory: what a host's data costs while it is received or sent (Netty's pooled
     * buffers), and the JVM's own direct buffers. A flood that made the node buffer data would
     * show here first.
     */
    private static void directMemory(StringBuilder out) {
        header(out, "twinblock_direct_memory_used_bytes", "gauge",
                "Direct memory in use, by pool: netty (network buffers), jvm (java.nio direct buffers).");
        out.append("twinblock_direct_memory_used_bytes{pool=\"netty\"} ")
                .append(PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory()).append('\n');
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                out.append("twinblock_direct_memory_used_bytes{pool=\"jvm\"} ").append(pool.getMemoryUsed())
                        .append('\n');
            }
        }
    }

    private static String ratio(long frames, long writes) {
        return writes == 0 ? "NaN" : Double.toString((double) frames / writes);
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        header(out, name, "gauge", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void lunCounter(StringBuilder out, NodeView node, String name, String type, String help,
                                   java.util.function.ToLongFunction<StorageCounters> value) {
        header(out, name, type, help);
        for (NodeView.Lun lun : node.luns()) {
            long v = value == null ? lun.sizeBytes() : value.applyAsLong(lun.counters());
            out.append(name).append("{lun=\"").append(lun.lun()).append("\"} ").append(v).append('\n');
        }
    }

    private static void diskGauge(StringBuilder out, NodeView node, String name, String help,
                                  java.util.function.Predicate<NodeView.Disk> value) {
        header(out, name, "gauge", help);
        for (NodeView.Lun lun : node.luns()) {
            out.append(name).append("{lun=\"").append(lun.lun()).append("\"} ")
                    .append(value.test(lun.disk().get()) ? 1 : 0).append('\n');
        }
    }

    private static void histogram(StringBuilder out, String name, String help, LatencyHistogram h) {
        header(out, name, "histogram", help);
        double[] bounds = LatencyHistogram.bounds();
        long[] counts = h.cumulative();
        for (int i = 0; i < bounds.length; i++) {
            out.append(name).append("_bucket{le=\"").append(bounds[i]).append("\"} ").append(counts[i]).append('\n');
        }
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(counts[bounds.length]).append('\n');
        out.append(name).append("_sum ").append(h.sumSeconds()).append('\n');
        out.append(name).append("_count ").append(counts[bounds.length]).append('\n');
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** Label values escape backslash, quote and newline. */
    private static String escape(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
