package net.twinblock.mirror.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class LowPriorityThreadsTest {

    /** Field 19 of /proc/thread-self/stat is the nice value the kernel schedules this thread with. */
    private static int niceOfThisThread() throws IOException {
        // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
        return Integer.parseInt(fieldsAfterName()[19 - 3]);
    }

    /** Field 41 of /proc/thread-self/stat is the thread's scheduling policy (5 = SCHED_IDLE). */
    private static int policyOfThisThread() throws IOException {
        return Integer.parseInt(fieldsAfterName()[41 - 3]);
    }

    private static String[] fieldsAfterName() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aScrubThreadRunsUnderSchedIdle() throws Exception {
        ExecutorService scrub = Executors.newSingleThreadExecutor(
                new LowPriorityThreads("scrub-test", LowPriorityThreads.Level.IDLE));
        try {
            int policy = CompletableFuture.supplyAsync(() -> {
                try {
                    return policyOfThisThread();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, scrub).get(10, TimeUnit.SECONDS);
            assertEquals(5, policy, "SCHED_IDLE");
            assertEquals(0, policyOfThisThread(), "the creating thread stays SCHED_OTHER");
        } finally {
            scrub.shutdownNow();
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aScanThreadRunsAtNiceTenWhileOtherThreadsKeepTheirs() throws Exception {
        int before = niceOfThisThread();
        ExecutorService scan = Executors.newSingleThreadExecutor(
                new LowPriorityThreads("scan-test", LowPriorityThreads.Level.NICE));
        try {
            CompletableFuture<Integer> nice = CompletableFuture.supplyAsync(() -> {
                try {
                    return niceOfThisThread();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, scan);
            assertEquals(Math.max(before, LowPriorityThreads.NICE), nice.get(10, TimeUnit.SECONDS));
            assertEquals(before, niceOfThisThread(), "only the scan thread is lowered, not its creator");
            assertTrue(CompletableFuture.supplyAsync(() -> Thread.currentThread().isDaemon(), scan)
                    .get(10, TimeUnit.SECONDS), "a scan thread must not keep the node's JVM alive");
        } finally {
            scan.shutdownNow();
        }
    }
}
