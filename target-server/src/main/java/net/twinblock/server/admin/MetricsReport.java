package net.twinblock.server.admin;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import net.twinblock.iscsi.lun.StorageException;
import net.twinblock.iscsi.scsi.ScsiStatus;
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

        header(out, "twinblock_scsi_commands_total", "counter", "SCSI commands completed, by status.");
        for (ScsiStatus s : ScsiStatus.values()) {
            out.append("twinblock_scsi_commands_total{status=\"").append(s.name().toLowerCase(Locale.ROOT))
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
        return out.toString();
    }

    private static void lunCounter(StringBuilder out, NodeView node, String name, String type, String help,
                                   java.util.function.ToLongFunction<StorageCounters> value) {
        header(out, name, type, help);
        for (NodeView.Lun lun : node.luns()) {
            long v = value == null ? lun.sizeBytes() : value.applyAsLong(lun.counters());
            out.append(name).append("{lun=\"").append(lun.lun()).append("\"} ").append(v).append('\n');
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
