package net.twinblock.it;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Numbers for the notes, not a test: resync throughput of the bitmap and the checksum paths on a
 * 1 GiB LUN, and 4 KiB random write latency (queue depth 1) without and during a scrub at the
 * default scrub settings. Run with
 * {@code mvn -pl it-tests test -Dtest=ResyncBench -Dtwinblock.bench=true -Dtwinblock.node.leakDetection=simple}
 * (nodes at Netty's default leak detection, as in production; paranoid inflates the latency tail);
 * prints "bench:" lines.
 * {@code -Dtwinblock.bench.rounds} and {@code -Dtwinblock.bench.writes} size the latency part.
 */
@EnabledIfSystemProperty(named = "twinblock.bench", matches = "true")
class ResyncBench {

    private static final int BLOCK = PairClient.BLOCK;
    private static final long LUN = 1L << 30;
    private static final int REGION = 64 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

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

    /**
     * When the primary left "degraded" after the link came back: the resync's own time starts
     * there, without the reconnect backoff (about a second) that the "incl. reconnect" figure holds.
     */
    private static long awaitLinked(NodeProcess primary) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> !"degraded".equals(PairProcesses.mirrorState(primary)));
        return System.nanoTime();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    @Test
    void resyncThroughput() throws Exception {
        try (ResyncTest.Pair pair = new ResyncTest.Pair("--lun.0.size=1G")) {
            // Bitmap path.
            pair.proxy.cut();
            await().atMost(Duration.ofSeconds(30)).until(() -> "degraded".equals(PairProcesses.mirrorState(pair.primary)));
            long regions = scatter(pair.primary, 0);
            long t0 = System.nanoTime();
            pair.proxy.restore();
            long linked = awaitLinked(pair.primary);
            ResyncTest.awaitInSync(pair.primary, pair.secondary);
            double s = seconds(t0);
            double resync = seconds(linked);
            long copied = ResyncTest.metric(pair.primary, "twinblock_resync_copied_bytes_total");
            System.out.printf("bench: bitmap resync: %d regions (%d MiB) in %.2f s = %.1f MB/s once linked; %.2f s"
                    + " = %.1f MB/s incl. reconnect%n", regions, copied >> 20, resync, copied / resync / 1e6, s,
                    copied / s / 1e6);
            pair.primary.logText().lines().filter(l -> l.contains("bitmap resync done"))
                    .forEach(l -> System.out.println("bench:   primary log: " + l.strip()));

            // Checksum path: the primary restarts during the outage, the bitmap is gone.
            pair.proxy.cut();
            await().atMost(Duration.ofSeconds(30)).until(() -> "degraded".equals(PairProcesses.mirrorState(pair.primary)));
            scatter(pair.primary, 1_000_000); // new contents: every written region differs again
            pair.restartPrimary();
            t0 = System.nanoTime();
            pair.proxy.restore();
            linked = awaitLinked(pair.primary);
            ResyncTest.awaitInSync(pair.primary, pair.secondary);
            s = seconds(t0);
            resync = seconds(linked);
            long blocks = ResyncTest.metric(pair.primary, "twinblock_resync_checksum_copied_blocks_total");
            System.out.printf("bench: checksum resync: %d MiB compared, %d MiB copied in %.2f s = %.1f MB/s scanned"
                    + " once linked; %.2f s = %.1f MB/s incl. reconnect%n", LUN >> 20, blocks * BLOCK >> 20, resync,
                    LUN / resync / 1e6, s, LUN / s / 1e6);
        }
    }

    /**
     * The figure: p50/p99 of 4 KiB random writes at queue depth 1 with no scrub and
     * during a scrub, default scrub settings (scrub.max-rate 16M, scrub.busy-rate 2M), on the
     * default 64 MiB LUN. Rounds alternate (no scrub, scrub, no scrub, ...) with the same number
     * of writes each, so whatever else the machine does hits both sides alike. A scrub round
     * starts a verify, writes, and then waits for the scrub to finish (idle again, at max-rate)
     * before the next round. Then a scrub under writes that never stop, to show it still ends.
     */
    @Test
    void writeLatencyDuringAScrubAtTheDefaultSettings() throws Exception {
        int rounds = Integer.getInteger("twinblock.bench.rounds", 8);
        int writes = Integer.getInteger("twinblock.bench.writes", 1000);
        // A direct link, as in production: no LinkProxy hops and threads in the path of every write.
        try (PairProcesses pair = PairProcesses.start();
                PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:bench-lat")) {
            NodeProcess primary = pair.primary();
            long lunBytes = PairClient.LUN_BYTES;
            Random rnd = new Random(1);
            writeRound(host, rnd, writes, lunBytes); // warm-up: JIT, page cache, connections
            long[] idle = new long[rounds * writes];
            long[] scrub = new long[rounds * writes];
            long[] idleP99 = new long[rounds];
            long[] scrubP99 = new long[rounds];
            long busyBytes = 0;
            double busySeconds = 0;
            int throttledRounds = 0;
            int endedEarly = 0;
            for (int round = 0; round < rounds; round++) {
                long[] a = writeRound(host, rnd, writes, lunBytes);
                System.arraycopy(a, 0, idle, round * writes, writes);
                idleP99[round] = percentile(a, 0.99);

                CompletableFuture<HttpResponse<String>> verify = verify(primary);
                await().atMost(Duration.ofSeconds(30)).until(
                        () -> ResyncTest.metric(primary, "twinblock_scrub_running") == 1 || verify.isDone());
                long scanned0 = scrubMetric(primary, "twinblock_scrub_scanned_regions_total");
                long t0 = System.nanoTime();
                long[] b = writeRound(host, rnd, writes, lunBytes);
                double s = seconds(t0);
                long scanned1 = scrubMetric(primary, "twinblock_scrub_scanned_regions_total");
                throttledRounds += scrubMetric(primary, "twinblock_scrub_throttled") == 1 ? 1 : 0;
                endedEarly += verify.isDone() ? 1 : 0;
                HttpResponse<String> r = verify.get(5, TimeUnit.MINUTES);
                if (r.statusCode() != 200) {
                    throw new AssertionError("verify answered " + r.statusCode() + ": " + r.body());
                }
                System.arraycopy(b, 0, scrub, round * writes, writes);
                scrubP99[round] = percentile(b, 0.99);
                busyBytes += (scanned1 - scanned0) * BLOCK;
                busySeconds += s;
            }
            report(idle, scrub, idleP99, scrubP99, rounds, writes);
            System.out.printf("bench: scrub rate while the writes ran: %.2f MiB/s (throttled at the end of %d of %d"
                    + " rounds; the scrub ended before the writes in %d)%n", busyBytes / busySeconds / (1 << 20),
                    throttledRounds, rounds, endedEarly);

            long t0 = System.nanoTime();
            verify(primary).get(5, TimeUnit.MINUTES);
            double idleScrub = seconds(t0);
            System.out.printf("bench: scrub of %d MiB without host I/O: %.1f s = %.1f MiB/s%n", lunBytes >> 20,
                    idleScrub, lunBytes / idleScrub / (1 << 20));
            underLoad(primary, host, lunBytes);
        }
    }

    /** A scrub while a writer never stops: it must still end, at about scrub.busy-rate. */
    private static void underLoad(NodeProcess primary, PairClient host, long lunBytes) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            Random rnd = new Random(7);
            try {
                while (!stop.get()) {
                    writeRound(host, rnd, 100, lunBytes);
                    written.addAndGet(100);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            long t0 = System.nanoTime();
            HttpResponse<String> r = verify(primary).get(10, TimeUnit.MINUTES);
            double s = seconds(t0);
            System.out.printf("bench: scrub of %d MiB under constant QD1 writes: %.1f s = %.2f MiB/s (verify %d,"
                    + " %d writes meanwhile)%n", lunBytes >> 20, s, lunBytes / s / (1 << 20), r.statusCode(),
                    written.get());
        } finally {
            stop.set(true);
            writer.get(1, TimeUnit.MINUTES);
        }
    }

    /** A scrub metric, or -1 from a node too old to have it (to run this bench against an earlier build). */
    private static long scrubMetric(NodeProcess node, String name) {
        return PairProcesses.metric(node, name).map(Double::longValue).orElse(-1L);
    }

    private static CompletableFuture<HttpResponse<String>> verify(NodeProcess node) {
        // The admin endpoint directly: `twinblock verify --wait` would start a JVM during the scrub rounds, and
        // poll; ?wait=true holds the answer until the scrub ends, so its time is the scrub's.
        String token;
        try {
            token = java.nio.file.Files.readString(node.adminTokenFile()).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/verify?wait=true"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofMinutes(10)).POST(HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.sendAsync(post, HttpResponse.BodyHandlers.ofString());
    }

    private static void report(long[] idle, long[] scrub, long[] idleP99, long[] scrubP99, int rounds, int writes) {
        Arrays.sort(idle);
        Arrays.sort(scrub);
        Arrays.sort(idleP99);
        Arrays.sort(scrubP99);
        long i50 = percentile(idle, 0.5);
        long i99 = percentile(idle, 0.99);
        long s50 = percentile(scrub, 0.5);
        long s99 = percentile(scrub, 0.99);
        System.out.printf("bench: 4K random write QD1, %d rounds x %d writes each side, default scrub settings%n",
                rounds, writes);
        System.out.printf("bench:   no scrub:     p50 %d us, p99 %d us (per-round p99 %d..%d us)%n", i50, i99,
                idleP99[0], idleP99[rounds - 1]);
        System.out.printf("bench:   during scrub: p50 %d us, p99 %d us (per-round p99 %d..%d us)%n", s50, s99,
                scrubP99[0], scrubP99[rounds - 1]);
        System.out.printf("bench:   ratio scrub/no scrub: p50 %.2f, p99 %.2f%n", (double) s50 / i50,
                (double) s99 / i99);
        // A few rounds on either side catch a millisecond stall of the machine (writeback, GC) and
        // then own the pooled p99; the median round's p99 is the steadier figure.
        long im = idleP99[rounds / 2];
        long sm = scrubP99[rounds / 2];
        System.out.printf("bench:   median round's p99: no scrub %d us, during scrub %d us, ratio %.2f%n", im, sm,
                (double) sm / im);
    }

    /** Microsecond latencies of {@code n} 4 KiB writes at random 4 KiB-aligned LBAs, in the order made. */
    private static long[] writeRound(PairClient host, Random rnd, int n, long lunBytes) throws Exception {
        long[] us = new long[n];
        byte[] data = PairClient.pattern(0, rnd.nextLong(), 4096);
        for (int i = 0; i < n; i++) {
            long lba = rnd.nextLong(lunBytes / 4096) * (4096 / BLOCK);
            long t = System.nanoTime();
            host.write(lba, data, false);
            us[i] = (System.nanoTime() - t) / 1000;
        }
        return us;
    }

    private static long percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }
}
