package net.twinblock.server;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import net.twinblock.mirror.pair.PairNode;
import net.twinblock.mirror.pair.PairVolume;
import net.twinblock.mirror.resync.ChecksumResync;
import net.twinblock.mirror.resync.ScrubReport;
import net.twinblock.server.admin.AdminReply;
import net.twinblock.server.admin.BackgroundJobs;
import net.twinblock.server.admin.AdminRequest;
import net.twinblock.server.admin.HealthReport;
import net.twinblock.server.admin.MetricsReport;
import net.twinblock.server.admin.MirrorSnapshot;
import net.twinblock.server.admin.NodeView;
import net.twinblock.server.admin.PairSnapshot;
import net.twinblock.server.admin.StateEvents;
import net.twinblock.server.admin.StatusReport;
import net.twinblock.server.storage.PairPortGroup;

/**
 * The node side of each {@link AdminVerb}: the engine call and the JSON it answers with. The
 * pair verbs are only called on a paired node ({@link AdminVerb} answers 409 on a standalone one).
 * They run on the admin connection's event loop and must not block: promotion and split-brain
 * resolution write metadata, so they run on {@code blocking}; verify and resync return the
 * engine's own future.
 */
final class AdminActions {

    private static final Logger LOG = System.getLogger(AdminActions.class.getName());

    private final NodeView node;
    private final PairNode pair;
    private final PairPortGroup portGroup;
    private final Executor blocking;
    private final BackgroundJobs jobs = new BackgroundJobs();
    private final StateEvents events;

    /** {@code pair} and {@code portGroup} are null on a standalone node. */
    AdminActions(NodeView node, PairNode pair, PairPortGroup portGroup, Executor blocking, ScheduledExecutorService timer) {
        this.node = node;
        this.pair = pair;
        this.portGroup = portGroup;
        this.blocking = blocking;
        this.events = new StateEvents(node, timer);
        events.start();
    }

    boolean paired() {
        return pair != null;
    }

    /** GET /status: the node as JSON, with the background jobs it knows of. */
    CompletableFuture<AdminReply> status(AdminRequest r) {
        Map<String, Object> status = StatusReport.of(node);
        status.put("jobs", jobs.describe());
        return CompletableFuture.completedFuture(AdminReply.json(200, status));
    }

    /**
     * GET /events[?after=SEQ&wait=SECONDS]: without after, every watched fact as it is now; with
     * it, the state changes since, waiting up to SECONDS (at most StateEvents.MAX_WAIT_SECONDS)
     * for one. 400 for numbers that are not.
     */
    CompletableFuture<AdminReply> events(AdminRequest r) {
        List<String> after = r.query().getOrDefault("after", List.of());
        List<String> wait = r.query().getOrDefault("wait", List.of("0"));
        try {
            int seconds = Integer.parseInt(wait.get(0));
            if (seconds < 0 || seconds > StateEvents.MAX_WAIT_SECONDS) {
                throw new NumberFormatException();
            }
            return events.poll(after.isEmpty() ? null : Long.parseLong(after.get(0)), seconds);
        } catch (NumberFormatException e) {
            return CompletableFuture.completedFuture(AdminReply.error(400, "after must be an event number and wait"
                    + " seconds from 0 to " + StateEvents.MAX_WAIT_SECONDS, Map.of("after", after, "wait", wait)));
        }
    }

    /** GET /sessions: the hosts' iSCSI sessions. */
    CompletableFuture<AdminReply> sessions(AdminRequest r) {
        return CompletableFuture.completedFuture(AdminReply.json(200, Map.of("sessions", StatusReport.sessions(node))));
    }

    /** GET /metrics: Prometheus text. */
    CompletableFuture<AdminReply> metrics(AdminRequest r) {
        return CompletableFuture.completedFuture(AdminReply.prometheus(MetricsReport.of(node)));
    }

    /** GET /health: 200 while hosts' I/O is served, 503 with the reason while it is not. */
    CompletableFuture<AdminReply> health(AdminRequest r) {
        return CompletableFuture.completedFuture(HealthReport.of(node));
    }

    /**
     * POST /promote[?force=true]: makes this secondary the primary. 200 with the new role, or 409
     * with the reason it was refused (already primary, old primary still connected, or an
     * inconsistent copy without force=true), 400 for a force that is neither true nor false.
     */
    CompletableFuture<AdminReply> promote(AdminRequest r) {
        return roleChange(r, "promotion", "promoted", pair::promote);
    }

    /**
     * POST /demote[?force=true]: makes this primary a secondary (a switchover; see
     * PairNode.demote). 200 with the new role, or 409 with the reason it was refused (already
     * secondary, no mirror.listen, or the secondary not in sync without force=true).
     */
    CompletableFuture<AdminReply> demote(AdminRequest r) {
        return roleChange(r, "demotion", "demoted", pair::demote);
    }

    private CompletableFuture<AdminReply> roleChange(AdminRequest r, String what, String result,
            java.util.function.Consumer<Boolean> change) {
        List<String> forced = r.query().getOrDefault("force", List.of());
        if (forced.size() > 1 || !forced.stream().allMatch(f -> f.equals("true") || f.equals("false"))) {
            return CompletableFuture.completedFuture(AdminReply.error(400,
                    "force must be given once, as true or false", Map.of("force", forced)));
        }
        boolean force = forced.contains("true");
        return blocking(what, () -> {
            change.accept(force);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("result", result);
            body.put("role", Node.roleName(pair.role()));
            body.put("generations", generations(pair));
            body.put("aluaState", portGroup.state().name().toLowerCase(Locale.ROOT));
            return AdminReply.json(200, body);
        });
    }

    /**
     * POST /resolve?node=NAME: NAME's data loses a split brain (see PairNode.resolve): this node's,
     * dropped now, or the partner's, dropped at its next connection. POST /resolve?discard=local is
     * the older form for this node's. 200 with the generations of the losing side, 400 for a NAME
     * that is neither node (or both nodes share one), 409 if the pair's state refuses it.
     */
    CompletableFuture<AdminReply> resolve(AdminRequest r) {
        List<String> names = r.query().getOrDefault("node", List.of());
        boolean local = r.query().getOrDefault("discard", List.of()).contains("local");
        if (names.size() + (local ? 1 : 0) != 1 || (!local && names.get(0).isBlank())) {
            return CompletableFuture.completedFuture(AdminReply.error(400,
                    "say which node's data to drop: POST /resolve?node=NAME (this node is " + pair.nodeName()
                            + (pair.peerName() == null ? "" : ", its partner " + pair.peerName()) + ")", Map.of()));
        }
        return blocking("resolve", () -> {
            PairNode.Resolution done;
            try {
                done = local ? new PairNode.Resolution(pair.nodeName(), true, pair.discardLocal())
                        : pair.resolve(names.get(0));
            } catch (IllegalArgumentException e) {
                return AdminReply.error(400, e.getMessage(), Map.of("node", pair.nodeName()));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("result", done.local() ? "discarded" : "pending");
            body.put("node", done.node());
            body.put("role", Node.roleName(pair.role()));
            Map<String, Object> generations = new LinkedHashMap<>();
            done.generations().forEach((lun, g) -> generations.put(Integer.toString(lun), g.describe()));
            body.put("generations", generations);
            body.put("next", done.local() ? "this node takes a full copy from its primary at the next link"
                    : done.node() + " drops its data at its next connection to this node and takes a full copy");
            return AdminReply.json(200, body);
        });
    }

    /**
     * POST /verify: compares both copies now (a scrub, paced like a periodic one) and answers with
     * what it found: blocks that differ (and the first ranges), blocks repaired (scrub.repair). 409
     * on a secondary or without an in-sync secondary.
     */
    CompletableFuture<AdminReply> verify(AdminRequest r) {
        return job(r, "verify", pair::verify, progress("scrub.regions_done", "scrub.regions", "scrub.rate_kib_per_second",
                "scrub.eta_seconds"), reports -> {
            long mismatched = 0;
            long repaired = 0;
            long regions = 0;
            long millis = 0;
            boolean complete = true;
            List<Object> luns = new ArrayList<>();
            for (var e : reports.entrySet()) {
                ScrubReport report = e.getValue();
                mismatched += report.mismatchedBlocks();
                repaired += report.repairedBlocks();
                regions += report.regionsScanned();
                millis = Math.max(millis, report.took().toMillis());
                complete &= report.complete();
                Map<String, Object> lun = new LinkedHashMap<>();
                lun.put("lun", e.getKey());
                lun.put("complete", report.complete());
                lun.put("regionsScanned", report.regionsScanned());
                lun.put("mismatchedBlocks", report.mismatchedBlocks());
                lun.put("repairedBlocks", report.repairedBlocks());
                List<Object> ranges = new ArrayList<>();
                for (var range : report.mismatches()) {
                    ranges.add(Map.of("firstBlock", range.first(), "blocks", range.count()));
                }
                lun.put("mismatches", ranges);
                luns.add(lun);
            }
            // Totals first: the CLI's exit code reads the first mismatchedBlocks.
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("result", mismatched == 0 ? "identical" : "different");
            body.put("complete", complete);
            body.put("regionsScanned", regions);
            body.put("mismatchedBlocks", mismatched);
            body.put("repairedBlocks", repaired);
            body.put("seconds", millis / 1000.0);
            body.put("luns", luns);
            return body;
        });
    }

    /**
     * POST /resync: a checksum resync now of every LUN (see PairNode.resyncNow): 200 with blocks
     * compared, differing and copied once done, in all and per LUN; 409 on a secondary, without a
     * link, or while one runs.
     */
    CompletableFuture<AdminReply> resync(AdminRequest r) {
        return job(r, "resync", pair::resyncNow, progress("resync.checksum_region", "resync.checksum_regions_total",
                "resync.checksum_rate_kib_per_second", "resync.checksum_eta_seconds"), results -> {
            long regions = 0;
            long differing = 0;
            long copied = 0;
            List<Object> luns = new ArrayList<>();
            for (var e : results.entrySet()) {
                ChecksumResync.Result result = e.getValue();
                regions += result.scan().regionsScanned();
                differing += result.blocksDiffering();
                copied += result.blocksCopied();
                Map<String, Object> lun = new LinkedHashMap<>();
                lun.put("lun", e.getKey());
                lun.put("regionsCompared", result.scan().regionsScanned());
                lun.put("blocksDiffering", result.blocksDiffering());
                lun.put("blocksCopied", result.blocksCopied());
                luns.add(lun);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("result", "resynced");
            body.put("regionsCompared", regions);
            body.put("blocksDiffering", differing);
            body.put("blocksCopied", copied);
            body.put("luns", luns);
            return body;
        });
    }

    /** Each LUN's data generation, by LUN. */
    private static Map<String, Object> generations(PairNode pair) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (PairVolume v : pair.volumes()) {
            out.put(Integer.toString(v.number()), v.metadata().generation());
        }
        return out;
    }

    /**
     * Runs an engine call that blocks on {@link #blocking}. The engine refuses with an
     * IllegalStateException (409, with this node's role); anything else is a 500.
     */
    private CompletableFuture<AdminReply> blocking(String what, Supplier<AdminReply> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.get();
            } catch (IllegalStateException e) {
                LOG.log(Level.WARNING, what + " refused: " + e.getMessage());
                return refused(e);
            }
        }, blocking).exceptionally(e -> AdminReply.error(500, what + " failed: " + e.getCause(), Map.of()));
    }

    /**
     * Starts a long engine run (verify, resync) as a background job: 202 with the job at once,
     * 409 if the engine refuses or one of that kind runs. The job's result is {@code body} of the
     * engine's result; GET /jobs?id=N follows it. With {@code ?wait=true} the answer waits for
     * the result instead (200, or 503 if the run stopped), for clients that hold the request
     * open themselves (a benchmark timing the scrub, curl).
     */
    private <T> CompletableFuture<AdminReply> job(AdminRequest r, String what, Supplier<CompletableFuture<T>> start,
                                                  Supplier<BackgroundJobs.Progress> progress,
                                                  Function<T, Map<String, Object>> body) {
        BackgroundJobs.Started started;
        try {
            started = jobs.start(what, start, body, progress);
        } catch (IllegalStateException e) {
            return CompletableFuture.completedFuture(refused(e));
        }
        if (r.query().getOrDefault("wait", List.of()).contains("true")) {
            return started.outcome().handle((result, err) -> err != null
                    ? AdminReply.error(503, err.getCause() != null ? err.getCause().getMessage() : err.getMessage(), Map.of())
                    : AdminReply.json(200, result));
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("result", "started");
        reply.put("job", started.job());
        return CompletableFuture.completedFuture(AdminReply.json(202, reply));
    }

    /** GET /jobs: the latest job of each kind; GET /jobs?id=N: that job, 404 if unknown. */
    CompletableFuture<AdminReply> jobs(AdminRequest r) {
        List<String> ids = r.query().getOrDefault("id", List.of());
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(AdminReply.json(200, Map.of("jobs", jobs.describe())));
        }
        long id;
        try {
            id = Long.parseLong(ids.get(0));
        } catch (NumberFormatException e) {
            return CompletableFuture.completedFuture(AdminReply.error(400, "id must be a job number", Map.of("id", ids.get(0))));
        }
        Map<String, Object> job = jobs.describe(id);
        return CompletableFuture.completedFuture(job != null ? AdminReply.json(200, job)
                : AdminReply.error(404, "no job " + id + " on this node (it keeps the latest of each kind,"
                        + " until it restarts)", Map.of()));
    }

    /**
     * A running job's progress summed over the LUNs from four engine counters: regions done,
     * regions in all, rate in KiB/s, and seconds left (the slowest LUN's).
     */
    private Supplier<BackgroundJobs.Progress> progress(String done, String total, String kibPerSecond, String eta) {
        return () -> {
            long d = 0;
            long t = 0;
            long kib = 0;
            long left = 0;
            PairSnapshot snapshot = node.mirror();
            for (MirrorSnapshot m : snapshot == null ? List.<MirrorSnapshot>of() : snapshot.luns()) {
                d += m.counter(done);
                t += m.counter(total);
                kib += m.counter(kibPerSecond);
                left = Math.max(left, m.counter(eta));
            }
            return new BackgroundJobs.Progress(d, t, kib * 1024 / 1e6, left);
        };
    }

    private AdminReply refused(IllegalStateException e) {
        return AdminReply.error(409, e.getMessage(), Map.of("role", Node.roleName(pair.role())));
    }
}
