package net.twinblock.it;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Numbers for the notes, not a test: resync throughput of the bitmap and the checksum paths on a
 * 1 GiB LUN, and 4 KiB random write latency (queue depth 1) idle vs during a scrub. Run with
 * {@code mvn -pl it-tests test -Dtest=ResyncBench -Dtwinblock.bench=true}; prints "bench:" lines.
 */
@EnabledIfSystemProperty(named = "twinblock.bench", matches = "true")
class ResyncBench {

    private static final int BLOCK = PairClient.BLOCK;
    private static final long LUN = 1L << 30;
    private static final int REGION = 64 * 1024;

    /** One 4 KiB write in every 4th region of the LUN (a quarter of it marked), contents from {@code seq}. */
    private static long scatter(NodeProcess node, long seq) throws Exception {
        long regions = 0;
        try (PairClient host = PairClient.login(node, "iqn.2026-01.net.twinblock.it:bench-scatter")) {
            for (long r = 0; r < LUN / REGION; r += 4) {
                long lba = r * REGION / BLOCK;
                host.write(lba, PairClient.pattern(lba, seq + r, 4096), false);
                regions++;
            }
            host.synchronizeCache();
        }
        return regions;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    @Test
    void resyncThroughputAndWriteLatencyDuringAScrub() throws Exception {
        try (ResyncTest.Pair pair = new ResyncTest.Pair("--lun.0.size=1G", "--scrub.max-rate=64M")) {
            // Bitmap path.
            pair.proxy.cut();
            await().atMost(Duration.ofSeconds(30)).until(() -> "degraded".equals(PairProcesses.mirrorState(pair.primary)));
            long regions = scatter(pair.primary, 0);
            long t0 = System.nanoTime();
            pair.proxy.restore();
            ResyncTest.awaitInSync(pair.primary, pair.secondary);
            double s = seconds(t0);
            long copied = ResyncTest.metric(pair.primary, "twinblock_resync_bytes_copied");
            System.out.printf("bench: bitmap resync: %d regions (%d MiB) in %.2f s = %.1f MB/s (incl. reconnect)%n",
                    regions, copied >> 20, s, copied / s / 1e6);

            // Checksum path: the primary restarts during the outage, the bitmap is gone.
            pair.proxy.cut();
            await().atMost(Duration.ofSeconds(30)).until(() -> "degraded".equals(PairProcesses.mirrorState(pair.primary)));
            scatter(pair.primary, 1_000_000); // new contents: every written region differs again
            pair.restartPrimary();
            t0 = System.nanoTime();
            pair.proxy.restore();
            ResyncTest.awaitInSync(pair.primary, pair.secondary);
            s = seconds(t0);
            long blocks = ResyncTest.metric(pair.primary, "twinblock_resync_checksum_blocks_copied");
            System.out.printf("bench: checksum resync: %d MiB compared, %d MiB copied in %.2f s = %.1f MB/s scanned%n",
                    LUN >> 20, blocks * BLOCK >> 20, s, LUN / s / 1e6);

            // Write latency, idle and while a scrub reads both copies.
            double[] idle = latencies(pair.primary, 2000, 1);
            CompletableFuture<ToolResult> scrub = CompletableFuture.supplyAsync(() -> NodeProcess.runJar(
                    Duration.ofMinutes(5), "verify", "--admin", "127.0.0.1:" + pair.primary.adminPort()));
            await().atMost(Duration.ofSeconds(30)).until(() -> ResyncTest.metric(pair.primary, "twinblock_scrub_running") == 1);
            double[] busy = latencies(pair.primary, 2000, 2);
            boolean stillScrubbing = ResyncTest.metric(pair.primary, "twinblock_scrub_running") == 1;
            ToolResult r = scrub.get();
            System.out.printf("bench: 4K random write QD1 idle: p50 %.0f us, p99 %.0f us%n", idle[0], idle[1]);
            System.out.printf("bench: 4K random write QD1 during scrub (64 MB/s): p50 %.0f us, p99 %.0f us (scrub %s"
                    + " through the sample; verify exit %d)%n", busy[0], busy[1],
                    stillScrubbing ? "ran" : "ended", r.exitCode());
        }
    }

    /** p50 and p99 in microseconds of {@code n} 4 KiB writes at random 4 KiB-aligned LBAs. */
    private static double[] latencies(NodeProcess node, int n, long seed) throws Exception {
        Random rnd = new Random(seed);
        long[] us = new long[n];
        try (PairClient host = PairClient.login(node, "iqn.2026-01.net.twinblock.it:bench-lat")) {
            byte[] data = PairClient.pattern(0, seed, 4096);
            for (int i = 0; i < n; i++) {
                long lba = (rnd.nextLong(LUN / 4096)) * 8;
                long t = System.nanoTime();
                host.write(lba, data, false);
                us[i] = (System.nanoTime() - t) / 1000;
            }
        }
        Arrays.sort(us);
        return new double[] {us[n / 2], us[(int) (n * 0.99)]};
    }
}
