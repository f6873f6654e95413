package net.twinblock.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BackgroundJobsTest {

    private final BackgroundJobs jobs = new BackgroundJobs();
    private final CompletableFuture<Long> engine = new CompletableFuture<>();

    private Map<String, Object> start(String kind, CompletableFuture<Long> run) {
        return jobs.start(kind, () -> run, v -> Map.of("found", v),
                () -> new BackgroundJobs.Progress(25, 100, 8.0, 30)).job();
    }

    @Test
    void aJobRunsShowsItsProgressThenItsResult() {
        Map<String, Object> started = start("verify", engine);
        assertEquals(1L, started.get("id"));
        assertEquals("running", started.get("state"));
        assertEquals(25.0, ((Map<?, ?>) started.get("progress")).get("percent"));
        CompletableFuture<Map<String, Object>> outcome = jobs.start("resync", () -> engine, v -> Map.of("found", v),
                () -> new BackgroundJobs.Progress(0, 0, 0, 0)).outcome();
        engine.complete(7L);
        assertEquals(Map.of("found", 7L), outcome.join());
        Map<String, Object> done = jobs.describe(1);
        assertEquals("done", done.get("state"));
        assertEquals(Map.of("found", 7L), done.get("result"));
        assertTrue(!done.containsKey("progress"));
    }

    @Test
    void oneOfAKindRunsAtATimeAndAFailureIsTheJobsError() {
        start("verify", engine);
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> start("verify", engine));
        assertTrue(twice.getMessage().contains("job 1"), twice.getMessage());
        CompletableFuture<Long> resync = new CompletableFuture<>();
        assertEquals(2L, start("resync", resync).get("id"));
        resync.completeExceptionally(new IllegalStateException("the link went down"));
        assertEquals("failed", jobs.describe(2).get("state"));
        assertEquals("resync stopped: the link went down", jobs.describe(2).get("error"));
        assertEquals(2, jobs.describe().size());
    }

    @Test
    void anEngineRefusalStartsNoJob() {
        assertThrows(IllegalStateException.class, () -> jobs.start("verify", () -> {
            throw new IllegalStateException("runs on the primary");
        }, v -> Map.of(), () -> null));
        assertEquals(0, jobs.describe().size());
        assertNull(jobs.describe(1));
        assertEquals(1L, start("verify", engine).get("id"));
    }
}
