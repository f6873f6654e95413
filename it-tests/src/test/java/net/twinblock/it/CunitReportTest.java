package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.twinblock.it.CunitReport.Outcome;
import net.twinblock.it.CunitReport.TestVerdict;
import org.junit.jupiter.api.Test;

/** The conformance verdict is only as good as this parser, so it is tested on real suite output. */
class CunitReportTest {

    /** A whole verbose run of iscsi-test-cu 1.19 against Debian's tgt 1.0.85 (LUN 1, 64 MiB file). */
    private static String tgtRun() throws IOException {
        try (InputStream in = CunitReportTest.class.getResourceAsStream("/cunit/tgt-1.0.85.txt")) {
            assertNotNull(in, "fixture missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void countsOfARealRunAgreeWithCunitsOwnSummary() throws IOException {
        CunitReport r = CunitReport.parse(tgtRun());

        assertEquals(new CunitReport.Summary(230, 230, 222, 8, 0), r.summary());
        assertEquals(List.of(), r.inconsistencies());
        assertEquals(230, r.tests().size());
        assertEquals(8, r.failed());
        // CUnit's 222 "passed" hide the skips: 62 of them never ran.
        assertEquals(62, r.skipped());
        assertEquals(160, r.passed());
    }

    @Test
    void namesTheFailedTestsAsSuiteDotTest() throws IOException {
        CunitReport r = CunitReport.parse(tgtRun());

        assertEquals(List.of("GetLBAStatus.BeyondEol", "PrinServiceactionRange.Range", "ProutReserve.OwnershipEA",
                "ProutReserve.OwnershipWE", "ProutReserve.OwnershipEARO", "ProutReserve.OwnershipWERO",
                "Reserve6.2Initiators", "iSCSIdatasn.iSCSIDataSnInvalid"), names(r.with(Outcome.FAILED)));
        TestVerdict beyond = r.with(Outcome.FAILED).get(0);
        assertEquals(List.of("GET_LBA_STATUS successful but should have failed with "
                + "ILLEGAL_REQUEST(0x05)/LBA_OUT_OF_RANGE(0x2100)"), beyond.messages());
    }

    @Test
    void skippedTestsCarryTheirReasonOnce() throws IOException {
        CunitReport r = CunitReport.parse(tgtRun());

        TestVerdict caw = find(r, "CompareAndWrite.Simple");
        assertEquals(Outcome.SKIPPED, caw.outcome());
        // libiscsi printed the reason twice; it is one reason.
        assertEquals(List.of("COMPAREANDWRITE is not implemented."), caw.messages());
        assertEquals(Outcome.SKIPPED, find(r, "MultipathIO.Simple").outcome());
        assertEquals(Outcome.PASSED, find(r, "Inquiry.Standard").outcome());
    }

    @Test
    void strayFailureMessagesAfterAVerdictDoNotFailThatTest() throws IOException {
        CunitReport r = CunitReport.parse(tgtRun());

        // "Test: LUNReset ...passed    [FAILED] PRIN command: ..." — CUnit passed it.
        assertEquals(Outcome.PASSED, find(r, "Reserve6.LUNReset").outcome());
        // A "[FAILED]" line inside a test CUnit passed is kept as a warning, not lost.
        assertEquals(Outcome.PASSED, find(r, "WriteSame10.UnmapVPD").outcome());
        assertTrue(r.warnings().containsKey("WriteSame10.UnmapVPD"), r.warnings()::toString);
    }

    @Test
    void verdictOnTheSameLineAndOnItsOwnLineAreBothRead() {
        String out = """
                Suite: Read10
                  Test: Simple ...passed
                  Test: BeyondEol ...    [SKIPPED] READ10 is not implemented.
                passed
                  Test: Flags ...    reading with FUA
                    [FAILED] READ10 failed with sense MEDIUM ERROR
                FAILED
                    1. test_read10_flags.c:40  - CU_ASSERT_EQUAL(ret,0)

                Run Summary:    Type  Total    Ran Passed Failed Inactive
                              suites      1      1    n/a      0        0
                               tests      3      3      2      1        0
                """;
        CunitReport r = CunitReport.parse(out);

        assertEquals(1, r.passed());
        assertEquals(1, r.skipped());
        assertEquals(1, r.failed());
        assertEquals(List.of("READ10 failed with sense MEDIUM ERROR"), find(r, "Read10.Flags").messages());
        assertEquals(List.of(), r.inconsistencies());
    }

    @Test
    void teardownSkipMessagesAfterTheVerdictDoNotMakeAPassedTestSkipped() throws IOException {
        // An early twinblock run: libiscsi's per-test teardown prints "[SKIPPED] PERSISTENT RESERVE IN is
        // not implemented." right after "passed", on the verdict's line, 48 times.
        String out;
        try (InputStream in = CunitReportTest.class.getResourceAsStream("/cunit/twinblock-early.txt")) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        CunitReport r = CunitReport.parse(out);

        assertEquals(List.of(), r.inconsistencies());
        assertEquals(Outcome.PASSED, find(r, "Verify10.Simple").outcome());
        assertEquals(List.of("Inquiry.BlockLimits", "Sanitize.Readonly", "WriteSame16.Unmap",
                "iSCSIdatasn.iSCSIDataSnInvalid", "iSCSIResiduals.Read10Invalid", "iSCSIResiduals.Write10Residuals",
                "iSCSIResiduals.Write12Residuals", "iSCSIResiduals.Write16Residuals",
                "iSCSIResiduals.WriteVerify10Residuals", "iSCSIResiduals.WriteVerify12Residuals",
                "iSCSIResiduals.WriteVerify16Residuals"), names(r.with(Outcome.FAILED)));
    }

    @Test
    void aRunThatDiedIsReportedAsUntrustworthyAndNamesTheTestItDiedIn() {
        CunitReport r = CunitReport.parse("Suite: Read10\n  Test: Simple ...passed\n  Test: BeyondEol ...");

        assertNull(r.summary());
        assertEquals("Read10.BeyondEol", r.unfinished());
        assertEquals(1, r.inconsistencies().size());
        assertTrue(r.inconsistencies().get(0).contains("Read10.BeyondEol"));
        assertEquals(1, r.passed());
    }

    @Test
    void countsThatDisagreeWithCunitAreReported() {
        String out = "Suite: A\n  Test: B ...passed\n"
                + "Run Summary:    Type  Total    Ran Passed Failed Inactive\n"
                + "               tests      2      2      1      1        0\n";

        assertEquals(2, CunitReport.parse(out).inconsistencies().size());
    }

    @Test
    void allowlistMatchesGlobsAndRequiresAReason() {
        SkipAllowlist list = SkipAllowlist.parse("""
                # comment
                Sanitize.*: SANITIZE not built
                Prout*: PERSISTENT RESERVE OUT not built
                MultipathIO.Simple: needs a second portal
                """);

        assertEquals("SANITIZE not built", list.find("Sanitize.BlockErase").reason());
        assertEquals("PERSISTENT RESERVE OUT not built", list.find("ProutRegister.Simple").reason());
        assertNotNull(list.find("MultipathIO.Simple"));
        assertNull(list.find("MultipathIO.Reset"));
        assertNull(list.find("Read10.Simple"));
        assertNull(list.find("XSanitize.BlockErase"));
        assertThrows(IllegalArgumentException.class, () -> SkipAllowlist.parse("Read10.Simple"));
        assertThrows(IllegalArgumentException.class, () -> SkipAllowlist.parse("Read10.Simple:   "));
    }

    @Test
    void theCommittedAllowlistParses() {
        SkipAllowlist list = SkipAllowlist.load("/conformance-skips.txt");

        assertTrue(list.entries().size() > 0);
        assertNull(list.find("Read10.Simple"), "basic reads must never be allowed to skip");
    }

    private static TestVerdict find(CunitReport r, String name) {
        return r.tests().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no verdict for " + name));
    }

    private static List<String> names(List<TestVerdict> verdicts) {
        return verdicts.stream().map(TestVerdict::name).toList();
    }
}
