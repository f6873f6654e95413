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
 * libiscsi's conformance suite against LUN 0 of a real pair, the primary's URL first and the
 * secondary's second, as the two paths of one device (its MultipathIO tests write through one and
 * read, reset and COMPARE AND WRITE through the other): every write the suite makes is mirrored,
 * and the answers must still be those of a conformant target. Fails on any FAILED test and on any
 * SKIPPED test that neither conformance-skips.txt nor conformance-skips-pair.txt justifies.
 * Afterwards the two images must still be identical: the suite's writes, unmaps, WRITE SAMEs and
 * the like all reached the secondary.
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
            run = ToolResult.runMerged(SUITE_TIMEOUT, List.of("stdbuf", "-o0", "-e0", "iscsi-test-cu", "-d", "-S",
                    "--test=ALL", pair.primary().url(0), pair.secondary().url(0)));
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
        System.out.println("pair (primary, secondary): " + report.summaryLine() + " (full output: " + logFile + ")");
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
        // The floor is what the pair passes today (README, Conformance), as many as one node: a
        // regression into a skip fails.
        assertTrue(report.passed() >= 196, report.summaryLine());
        assertEquals(-1L, Files.mismatch(primaryImage, secondaryImage),
                "after the suite the two nodes' images differ");
    }

    /**
     * The MultipathIO family alone, with the primary's and the secondary's URL: a write through one
     * node reads back through the other, a LUN RESET through one raises the unit attention on the
     * other's I_T nexus, and COMPARE AND WRITE through both at once is atomic (each round exactly
     * one wins, the rest MISCOMPARE). Run on its own so a regression names the family at once.
     */
    @Test
    void bothNodesActAsTwoPathsOfOneDevice() {
        ToolResult run;
        try (PairProcesses pair = PairProcesses.start()) {
            run = ToolResult.runMerged(Duration.ofMinutes(3), List.of("stdbuf", "-o0", "-e0", "iscsi-test-cu", "-d",
                    "--test=ALL.MultipathIO", pair.primary().url(0), pair.secondary().url(0)));
        }
        CunitReport report = CunitReport.parse(run.stdout());
        assertTrue(!run.timedOut(), run.describe());
        List<String> passed = report.with(Outcome.PASSED).stream().map(TestVerdict::name).toList();
        assertEquals(List.of("MultipathIO.Simple", "MultipathIO.Reset", "MultipathIO.CompareAndWrite",
                "MultipathIO.CompareAndWriteAsync"), passed, run.stdout());
    }
}
