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
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(after[19 - 3]);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aScanThreadRunsAtNiceTenWhileOtherThreadsKeepTheirs() throws Exception {
        int before = niceOfThisThread();
        ExecutorService scan = Executors.newSingleThreadExecutor(new LowPriorityThreads("scan-test"));
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
