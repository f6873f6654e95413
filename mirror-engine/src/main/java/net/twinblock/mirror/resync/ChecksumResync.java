package net.twinblock.mirror.resync;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * The primary's side of a resync without a bitmap: scan with checksums, let the secondary say
 * which blocks differ, send exactly those. Restartable through the scanner's cursor.
 */
public final class ChecksumResync {

    /** How a run ended and what it moved. */
    public record Result(ChecksumScanner.ScanResult scan, long blocksDiffering, long blocksCopied) {
    }

    private final ChecksumScanner scanner;
    private final HashComparison peer;
    private final BlockCopier copier;
    private final LongAdder differing = new LongAdder();
    private final LongAdder copied = new LongAdder();

    public ChecksumResync(ChecksumScanner scanner, HashComparison peer, BlockCopier copier) {
        this.scanner = scanner;
        this.peer = peer;
        this.copier = copier;
    }

    public CompletableFuture<Result> run() {
        return scanner.run(batch -> peer.compare(batch).thenCompose(this::repair))
                .thenApply(scan -> new Result(scan, differing.sum(), copied.sum()));
    }

    private CompletableFuture<Long> repair(List<DifferingBlocks> ranges) {
        for (DifferingBlocks r : ranges) {
            differing.add(r.count());
        }
        return copier.copy(ranges).whenComplete((n, e) -> {
            if (n != null) {
                copied.add(n);
            }
        });
    }

    /** Stops after the batch in progress, cursor saved: a later run resumes there. */
    public void stop() {
        scanner.stop();
    }

    /** Progress in regions scanned; bytes are bytes compared, whether they needed copying or not. */
    public ResyncProgress progress() {
        return scanner.progress();
    }
}
