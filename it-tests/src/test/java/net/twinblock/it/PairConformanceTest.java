package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.twinblock.it.CunitReport.Outcome;
import net.twinblock.it.CunitReport.TestVerdict;
import org.junit.jupiter.api.Test;

/**
 * libiscsi's conformance suite against LUN 0 of the primary of a real pair: every write the suite
 * makes is mirrored, and the answers must still be those of a conformant target. Fails on any
 * FAILED test and on any SKIPPED test that neither conformance-skips.txt nor
 * conformance-skips-pair.txt justifies. Afterwards the two images must still be identical: the
 * suite's writes, unmaps, WRITE SAMEs and the like all reached the secondary.
 */
class PairConformanceTest {
    private static final Duration SUITE_TIMEOUT = Duration.ofMinutes(15);

    @Test
    void iscsiTestCuAgainstThePrimaryOfAPairPassesAndLeavesIdenticalImages() throws IOException {
        SkipAllowlist allowlist = SkipAllowlist.load("/conformance-skips.txt");
        SkipAllowlist pairAllowlist = SkipAllowlist.load("/conformance-skips-pair.txt");
        ToolResult run;
        Path primaryImage;
        Path secondaryImage;
        try (PairProcesses pair = PairProcesses.start()) {
            // The primary alone: MultipathIO (which needs a second URL) runs in its own test below.
            run = ToolResult.runMerged(SUITE_TIMEOUT, List.of("stdbuf", "-o0", "-e0", "iscsi-test-cu", "-d", "-S",
                    "--test=ALL", pair.primary().url(0)));
            primaryImage = PairProcesses.image(pair.primary());
            secondaryImage = PairProcesses.image(pair.secondary());
            assertEquals("in_sync", PairProcesses.mirrorState(pair.primary()), "the pair after the suite");
            assertEquals(0, pair.primary().stop());
            assertEquals(0, pair.secondary().stop());
        }
        Path logFile = Paths.get("target", "conformance", "iscsi-test-cu-pair.log").toAbsolutePath();
        Files.createDirectories(logFile.getParent());
        Files.writeString(logFile, String.join(" ", run.command()) + "\n" + run.stdout(), StandardCharsets.UTF_8);

        CunitReport report = CunitReport.parse(run.stdout());
        System.out.println("pair primary: " + report.summaryLine() + " (full output: " + logFile + ")");
        if (run.timedOut()) {
            fail("iscsi-test-cu did not finish within " + SUITE_TIMEOUT + "; it was in " + report.unfinished()
                    + ". So far: " + report.summaryLine() + "; see " + logFile);
        }
        assertEquals(List.of(), report.inconsistencies(), "cannot trust the suite's output, see " + logFile);

        List<String> problems = new ArrayList<>();
        for (TestVerdict t : report.with(Outcome.FAILED)) {
            problems.add("FAILED  " + t.name() + ": " + String.join(" | ", t.messages()));
        }
        for (TestVerdict t : report.with(Outcome.SKIPPED)) {
            SkipAllowlist.Entry allowed = allowlist.find(t.name());
            if (allowed == null) {
                allowed = pairAllowlist.find(t.name());
            }
            if (allowed == null) {
                problems.add("SKIPPED " + t.name() + " (in neither skip list): " + String.join(" | ", t.messages()));
            }
        }
        if (!problems.isEmpty()) {
            fail(report.summaryLine() + "\n" + String.join("\n", problems) + "\nfull output: " + logFile);
        }
        // The floor is what the primary passes today (README, Conformance): a regression into a skip fails.
        assertTrue(report.passed() >= 182, report.summaryLine());
        assertEquals(-1L, Files.mismatch(primaryImage, secondaryImage),
                "after the suite the two nodes' images differ");
    }

    /**
     * MultipathIO.Simple with the primary's and the secondary's URL: libiscsi writes through one
     * node and reads through the other, as dm-multipath over the pair does.
     *
     * <p>Not asserted here, and open: MultipathIO.Reset (a LUN RESET through one node must raise a
     * unit attention on the other node's I_T nexus; nodes do not share unit attentions yet) and
     * MultipathIO.CompareAndWriteAsync (expects COMPARE AND WRITE, which a pair refuses).
     */
    @Test
    void aWriteThroughOneNodeReadsBackThroughTheOther() {
        ToolResult run;
        try (PairProcesses pair = PairProcesses.start()) {
            run = ToolResult.runMerged(Duration.ofMinutes(3), List.of("stdbuf", "-o0", "-e0", "iscsi-test-cu", "-d",
                    "--test=ALL.MultipathIO.Simple", pair.primary().url(0), pair.secondary().url(0)));
        }
        CunitReport report = CunitReport.parse(run.stdout());
        assertTrue(!run.timedOut(), run.describe());
        List<String> passed = report.with(Outcome.PASSED).stream().map(TestVerdict::name).toList();
        assertEquals(List.of("MultipathIO.Simple"), passed, run.stdout());
    }
}
