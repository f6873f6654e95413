package net.twinblock.server.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Long admin commands (verify, resync) as jobs: POST starts one and answers at once with its id,
 * the engine runs it, and status and GET /jobs show its progress, then what it found. An HTTP
 * request held open for a scrub of a large volume outlived every client timeout; a job outlives
 * the client. The node keeps the latest job of each kind in memory (a restart forgets them) and
 * runs one of a kind at a time.
 */
public final class BackgroundJobs {

    /** How far a running job is, read from the engine's counters when asked. */
    public record Progress(long done, long total, double megabytesPerSecond, long secondsLeft) {
        public double percent() {
            return total <= 0 ? 0 : Math.floor(1000.0 * done / total) / 10.0;
        }
    }

    /** One job; its outcome fields are written once by the engine's completion. */
    private static final class Job {
        final long id;
        final String kind;
        final long startNanos = System.nanoTime();
        final Supplier<Progress> progress;
        volatile long endNanos;
        volatile Map<String, Object> result;
        volatile String error;

        Job(long id, String kind, Supplier<Progress> progress) {
            this.id = id;
            this.kind = kind;
            this.progress = progress;
        }

        boolean running() {
            return result == null && error == null;
        }

        Map<String, Object> describe() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", id);
            out.put("kind", kind);
            Map<String, Object> r = result;
            String e = error;
            out.put("state", r != null ? "done" : e != null ? "failed" : "running");
            long end = r != null || e != null ? endNanos : System.nanoTime();
            out.put("seconds", Duration.ofNanos(end - startNanos).toMillis() / 1000.0);
            if (r == null && e == null) {
                Progress p = progress.get();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("done", p.done());
                m.put("total", p.total());
                m.put("percent", p.percent());
                m.put("megabytesPerSecond", p.megabytesPerSecond());
                m.put("secondsLeft", p.secondsLeft());
                out.put("progress", m);
            }
            out.put("result", r);
            out.put("error", e);
            return out;
        }
    }

    private final Map<String, Job> latest = new LinkedHashMap<>();
    private long lastId;

    /** A started job as GET /jobs shows it, and a future of its outcome (result, or failure). */
    public record Started(Map<String, Object> job, CompletableFuture<Map<String, Object>> outcome) {
    }

    /**
     * Starts a job of {@code kind} unless one runs: {@code start} begins the engine's work (and
     * throws IllegalStateException if the engine refuses, which the caller answers); its future's
     * value becomes the job's result, or its failure the job's error.
     *
     * @return the new job, and its outcome: the result, or the job's error as an exception
     * @throws IllegalStateException if a job of that kind runs, or the engine refused
     */
    public <T> Started start(String kind, Supplier<CompletableFuture<T>> start,
                                         Function<T, Map<String, Object>> result,
                                         Supplier<Progress> progress) {
        Job job;
        CompletableFuture<Map<String, Object>> outcome = new CompletableFuture<>();
        synchronized (this) {
            Job running = latest.get(kind);
            if (running != null && running.running()) {
                throw new IllegalStateException("a " + kind + " runs already (job " + running.id + "): "
                        + "twinblock status shows its progress");
            }
            job = new Job(lastId + 1, kind, progress);
            CompletableFuture<T> run = start.get(); // throws before the job exists if the engine refuses
            lastId = job.id;
            latest.put(kind, job);
            run.whenComplete((value, failure) -> {
                job.endNanos = System.nanoTime();
                if (failure != null) {
                    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                    job.error = kind + " stopped: " + cause.getMessage();
                    outcome.completeExceptionally(new IllegalStateException(job.error, cause));
                } else {
                    job.result = result.apply(value);
                    outcome.complete(job.result);
                }
            });
        }
        return new Started(job.describe(), outcome);
    }

    /** The latest job of each kind, oldest kind first. */
    public synchronized List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        latest.values().forEach(j -> out.add(j.describe()));
        return out;
    }

    /** Job {@code id}, or null if the node does not know it (an older job, or one from before a restart). */
    public synchronized Map<String, Object> describe(long id) {
        for (Job j : latest.values()) {
            if (j.id == id) {
                return j.describe();
            }
        }
        return null;
    }
}
