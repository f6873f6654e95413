package net.twinblock.server.cli;

import java.util.List;
import java.util.Locale;
import net.twinblock.server.admin.Sizes;
import net.twinblock.server.admin.JsonNode;

/**
 * {@code twinblock status} for a person, in the spirit of {@code drbdadm status}: this node's
 * role and whether it serves (or why not), its partner and the link, the witness, then one line
 * per LUN with its sync state, and a progress bar with rate and time left for whatever copy or
 * comparison runs on it. Rendered only from the JSON GET /status answers ({@code --json} prints
 * that), so what a person reads and what a script reads cannot disagree.
 */
public final class StatusView {

    private static final int BAR = 20;

    private StatusView() {
    }

    /** The view of one GET /status answer, lines ending in newlines. */
    public static String render(JsonNode status) {
        StringBuilder out = new StringBuilder();
        JsonNode mirror = status.get("mirror");
        JsonNode health = status.get("health");
        String role = mirror.get("role").text();
        boolean paired = role != null && !role.equals("standalone");
        String name = paired ? mirror.get("name").text() : "this node";
        out.append(name).append(": ").append(role == null ? "standalone" : role);
        if (paired) {
            out.append(" (ALUA ").append(mirror.get("aluaState").text()).append(", port group ")
                    .append(mirror.get("portGroup").text()).append(')');
        }
        if (health.get("serving").isTrue()) {
            out.append(", serving\n");
        } else {
            out.append(", NOT serving: ").append(health.get("reason").text()).append('\n');
        }
        if (paired) {
            peer(out, mirror);
        }
        for (JsonNode lun : status.get("luns").list()) {
            lun(out, lun, paired ? mirrored(mirror, lun.get("lun").asLong(-1)) : null);
            disk(out, lun);
        }
        jobs(out, status.get("jobs"));
        JsonNode target = status.get("target");
        int sessions = status.get("sessions").list().size();
        out.append("  target ").append(target.get("name").text()).append(" at ")
                .append(String.join(", ", target.get("portals").list().stream().map(JsonNode::text).toList()))
                .append(", ").append(sessions).append(sessions == 1 ? " session" : " sessions").append('\n');
        return out.toString();
    }

    private static void peer(StringBuilder out, JsonNode mirror) {
        String peerName = mirror.get("peerName").text();
        String address = mirror.get("peer").text();
        out.append("  peer ").append(peerName == null ? "(not seen yet)" : peerName);
        if (address != null) {
            out.append(" at ").append(address).append(": link up\n");
        } else {
            out.append(": link down (on peer loss: ").append(mirror.get("onPeerLoss").text()).append(")\n");
        }
        // The engine's own words: "witness HOST:PORT connected; epoch 3, primary alpha, ...".
        String witness = mirror.get("witness").text();
        if (witness != null) {
            out.append("  ").append(witness.startsWith("witness ") ? witness : "witness " + witness).append('\n');
        }
        quorum(out, mirror.get("quorum"));
    }

    /** "quorum 3/3 (this node, partner, witness); lease held, 1.4 s left" from mirror.quorum. */
    private static void quorum(StringBuilder out, JsonNode q) {
        if (q.isNull() || q.get("votes").asLong(-1) < 0) {
            return;
        }
        out.append("  quorum ").append(q.get("votes").asLong(0)).append("/3 (this node")
                .append(q.get("partnerLinked").isTrue() ? ", partner" : "")
                .append(q.get("witnessConnected").isTrue() ? ", witness" : "").append(')');
        if (q.get("leaseHeld").isTrue()) {
            out.append("; lease held, ").append(String.format(java.util.Locale.ROOT, "%.1f",
                    q.get("leaseRemainingMillis").asLong(0) / 1000.0)).append(" s left");
        }
        out.append('\n');
    }

    /** "disk FAILED (detached, flush poisoned): why", under a LUN whose disk failed; nothing while healthy. */
    private static void disk(StringBuilder out, JsonNode lun) {
        if (!lun.get("disk_failed").isTrue() && !lun.get("flush_poisoned").isTrue()) {
            return;
        }
        List<String> how = new java.util.ArrayList<>();
        if (lun.get("disk_detached").isTrue()) {
            how.add("detached");
        }
        if (lun.get("flush_poisoned").isTrue()) {
            how.add("flush poisoned");
        }
        out.append("      disk FAILED").append(how.isEmpty() ? "" : " (" + String.join(", ", how) + ")");
        String why = lun.get("disk_failure").text();
        out.append(why == null ? "" : ": " + why).append('\n');
    }

    /** The mirror's view of LUN {@code number}, or a missing node if it mirrors no such LUN. */
    private static JsonNode mirrored(JsonNode mirror, long number) {
        for (JsonNode m : mirror.get("luns").list()) {
            if (m.get("lun").asLong(-2) == number) {
                return m;
            }
        }
        return JsonNode.missing();
    }

    private static void lun(StringBuilder out, JsonNode lun, JsonNode mirror) {
        out.append(String.format(Locale.ROOT, "  lun %-3s %10s  ", lun.get("lun").text(),
                Sizes.human(lun.get("sizeBytes").asLong(0))));
        if (mirror == null) {
            out.append("not mirrored\n");
            return;
        }
        if (mirror.isNull()) {
            out.append("not mirrored on this pair\n");
            return;
        }
        String state = mirror.get("state").text();
        JsonNode resync = mirror.get("resync");
        JsonNode progress = mirror.get("progress");
        out.append(state);
        long totalBytes = progress.get("totalBytes").asLong(0);
        long totalRegions = resync.get("regionsTotal").asLong(0);
        // A full copy counts bytes, a bitmap resync regions; a checksum resync has a line of its
        // own below, and a secondary knows none of them (only that its copy is inconsistent).
        if ("syncing".equals(state) && !resync.get("checksumRunning").isTrue() && (totalBytes > 0 || totalRegions > 0)) {
            double percent = totalBytes > 0 ? progress.get("percent").asDouble(0)
                    : percent(resync.get("regionsDone").asLong(0), totalRegions);
            out.append("  ");
            bar(out, percent, resync.get("megabytesPerSecond").asDouble(0), resync.get("secondsLeft").asLong(0));
        } else if (resync.get("regionsMarked").asLong(0) > 0) {
            long marked = resync.get("regionsMarked").asLong(0);
            out.append(", ").append(marked).append(marked == 1 ? " region" : " regions").append(" to resync");
        }
        out.append('\n');
        String indent = "                   ";
        if (mirror.get("refusal").text() != null) {
            out.append(indent).append("refused: ").append(mirror.get("refusal").text()).append('\n');
        }
        if (mirror.get("linkFailure").text() != null) {
            // Before the partner was authenticated: TLS refused, or a wrong key.
            out.append(indent).append("link failed: ").append(mirror.get("linkFailure").text()).append('\n');
        }
        if (!mirror.get("consistent").isTrue() && !mirror.get("consistent").isNull()) {
            long at = resync.get("inconsistentPercent").asLong(-1);
            String how = "syncing".equals(state) ? "until this resync to it ends" + (at < 0 ? "" : " (" + at + "% done)")
                    : "a resync to it " + (at < 0 ? "did not finish" : "stopped at " + at + "%");
            out.append(indent).append("copy INCONSISTENT, ").append(how).append(": promote refuses it without --force\n");
        }
        splitBrain(out, indent, mirror.get("splitBrain"));
        // Writes in flight to a linked partner are normal; held without a link they are news.
        long pending = mirror.get("writes").get("pending").asLong(0);
        if (pending > 0 && mirror.get("peer").isNull()) {
            out.append(indent).append(pending).append(pending == 1 ? " write" : " writes").append(" held for the partner\n");
        }
        if (resync.get("checksumRunning").isTrue()) {
            out.append(indent).append("checksum resync  ");
            bar(out, percent(resync.get("checksumRegion").asLong(0), resync.get("checksumRegionsTotal").asLong(0)),
                    resync.get("checksumMegabytesPerSecond").asDouble(0), resync.get("checksumSecondsLeft").asLong(0));
            out.append('\n');
        }
        JsonNode scrub = mirror.get("scrub");
        if (scrub.get("running").isTrue()) {
            out.append(indent).append("scrub").append(scrub.get("throttled").isTrue() ? " (slowed for host I/O)" : "")
                    .append("  ");
            bar(out, percent(scrub.get("regionsDone").asLong(0), scrub.get("regionsTotal").asLong(0)),
                    scrub.get("megabytesPerSecond").asDouble(0), scrub.get("secondsLeft").asLong(0));
            out.append('\n');
        } else if (scrub.get("lastMismatchedBlocks").asLong(0) > 0) {
            out.append(indent).append("last scrub: ").append(scrub.get("lastMismatchedBlocks").asLong(0))
                    .append(" blocks differed, ").append(scrub.get("lastRepairedBlocks").asLong(0))
                    .append(" repaired\n");
        }
    }

    private static void splitBrain(StringBuilder out, String indent, JsonNode b) {
        if (b.isNull()) {
            return;
        }
        out.append(indent).append("SPLIT BRAIN: ").append(b.get("reason").text()).append('\n');
        out.append(indent).append("  ").append(b.get("local").get("name").text()).append(": ")
                .append(b.get("local").get("generations").text()).append('\n');
        if (b.get("peer").get("name").text() != null) {
            out.append(indent).append("  ").append(b.get("peer").get("name").text()).append(": ")
                    .append(b.get("peer").get("generations").text()).append('\n');
        }
        if (b.get("pendingDiscard").text() != null) {
            out.append(indent).append("  ").append(b.get("pendingDiscard").text())
                    .append(" drops its data at the next connection\n");
        } else {
            out.append(indent).append("  to end it: ").append(b.get("resolve").text()).append('\n');
        }
    }

    /** Background verify and resync jobs the node knows of (see {@code verify}, {@code resync}). */
    private static void jobs(StringBuilder out, JsonNode jobs) {
        for (JsonNode job : jobs.list()) {
            out.append("  ").append(JobView.line(job)).append('\n');
        }
    }

    private static double percent(long done, long total) {
        return total <= 0 ? 0 : Math.floor(1000.0 * done / total) / 10.0;
    }

    /** {@code [#######.............]  35.2%  7.9 MB/s  ETA 0:00:42}. */
    static void bar(StringBuilder out, double percent, double megabytesPerSecond, long secondsLeft) {
        int filled = (int) Math.max(0, Math.min(BAR, Math.round(percent * BAR / 100)));
        out.append('[').append("#".repeat(filled)).append(".".repeat(BAR - filled)).append(']')
                .append(String.format(Locale.ROOT, " %5.1f%%", percent));
        if (megabytesPerSecond > 0) {
            out.append(String.format(Locale.ROOT, "  %.1f MB/s", megabytesPerSecond));
        }
        out.append("  ETA ").append(megabytesPerSecond > 0 || secondsLeft > 0 ? clock(secondsLeft) : "unknown");
    }

    /** Seconds as H:MM:SS. */
    static String clock(long seconds) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
