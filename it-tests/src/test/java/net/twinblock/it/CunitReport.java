package net.twinblock.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The verdicts in the verbose output of libiscsi's iscsi-test-cu (CUnit 2.1 "basic" mode).
 *
 * <p>CUnit counts a test that libiscsi skipped as passed; the skip shows only as a "[SKIPPED] reason"
 * line printed while the test runs. So a test is reported here as skipped when CUnit said "passed"
 * but it printed a skip line, and as passed only when it ran and passed. Tests are named
 * "Suite.Test", as in {@code iscsi-test-cu --list} without the "ALL." prefix.
 *
 * <p>The output is messy: tests print progress lines, a verdict may share a line with the test name
 * ("Test: Simple ...passed") or stand alone, and stray messages can follow a verdict on the same line
 * ("passed    [FAILED] ..."). The parser keys on the "Test: ... ..." header and the first verdict token
 * after it and ignores everything else, then cross-checks its counts with CUnit's own Run Summary.
 */
public final class CunitReport {

    private static final Pattern SUITE = Pattern.compile("^Suite: (\\S+)\\s*$");
    private static final Pattern TEST = Pattern.compile("^\\s*Test: (\\S+) \\.\\.\\.(.*)$");
    private static final Pattern SKIPPED = Pattern.compile("\\[SKIPPED\\]\\s*(.*?)\\s*$");
    private static final Pattern FAILED_MESSAGE = Pattern.compile("\\[FAILED\\]\\s*(.*?)\\s*$");
    private static final Pattern VERDICT = Pattern.compile("^\\s*(passed|FAILED)\\b");
    private static final Pattern SUMMARY_TESTS =
            Pattern.compile("^\\s*tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$");

    /** Every test seen, in run order, with its verdict. */
    private final Map<String, TestVerdict> tests = new LinkedHashMap<>();
    private final Map<String, List<String>> warnings = new LinkedHashMap<>();
    private Summary summary;
    private String unfinished;

    public enum Outcome { PASSED, SKIPPED, FAILED }

    /**
     * @param name     "Suite.Test"
     * @param messages skip reasons (SKIPPED) or failure messages (FAILED); "[FAILED]" lines of a test
     *                 CUnit still passed are kept in {@link #warnings()}
     */
    public record TestVerdict(String name, Outcome outcome, List<String> messages) {
    }

    /** CUnit's own "Run Summary" tests row: total, ran, passed (skips included), failed, inactive. */
    public record Summary(int total, int ran, int passed, int failed, int inactive) {
    }

    private CunitReport() {
    }

    public static CunitReport parse(String output) {
        CunitReport report = new CunitReport();
        String suite = "?";
        String current = null;
        Set<String> skips = new LinkedHashSet<>();
        List<String> failures = new ArrayList<>();
        for (String line : output.split("\r?\n")) {
            Matcher m;
            if ((m = SUITE.matcher(line)).matches()) {
                suite = m.group(1);
                current = null;
                continue;
            }
            String rest = line;
            if ((m = TEST.matcher(line)).matches()) {
                current = suite + "." + m.group(1);
                skips = new LinkedHashSet<>();
                failures = new ArrayList<>();
                rest = m.group(2);
            }
            if ((m = SUMMARY_TESTS.matcher(line)).matches()) {
                report.summary = new Summary(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
                continue;
            }
            if (current == null) {
                continue;
            }
            // A verdict ends the test; text after it on the same line belongs to nobody we can name.
            Matcher verdict = VERDICT.matcher(rest);
            String before = verdict.find() ? "" : rest;
            if ((m = SKIPPED.matcher(before)).find()) {
                skips.add(m.group(1));
            } else if ((m = FAILED_MESSAGE.matcher(before)).find()) {
                failures.add(m.group(1));
            }
            if (verdict.reset().find()) {
                boolean passed = verdict.group(1).equals("passed");
                Outcome outcome = !passed ? Outcome.FAILED : skips.isEmpty() ? Outcome.PASSED : Outcome.SKIPPED;
                List<String> messages = outcome == Outcome.SKIPPED ? List.copyOf(skips) : List.copyOf(failures);
                report.tests.put(current, new TestVerdict(current, outcome, messages));
                if (passed && !failures.isEmpty()) {
                    report.warnings.put(current, List.copyOf(failures));
                }
                current = null;
            }
        }
        report.unfinished = current;
        return report;
    }

    public List<TestVerdict> tests() {
        return List.copyOf(tests.values());
    }

    public List<TestVerdict> with(Outcome outcome) {
        return tests.values().stream().filter(t -> t.outcome() == outcome).toList();
    }

    public int passed() {
        return with(Outcome.PASSED).size();
    }

    public int skipped() {
        return with(Outcome.SKIPPED).size();
    }

    public int failed() {
        return with(Outcome.FAILED).size();
    }

    /** Tests CUnit passed although libiscsi printed a "[FAILED]" message in them. */
    public Map<String, List<String>> warnings() {
        return Map.copyOf(warnings);
    }

    /** The test that started but has no verdict (the run was killed or crashed in it), or null. */
    public String unfinished() {
        return unfinished;
    }

    /** CUnit's own summary, or null if the run died before printing it. */
    public Summary summary() {
        return summary;
    }

    /**
     * Problems with the report itself: no summary (the suite crashed or hung) or counts that disagree
     * with CUnit's (the parser no longer understands the output). Empty when the report is trustworthy.
     */
    public List<String> inconsistencies() {
        List<String> problems = new ArrayList<>();
        if (summary == null) {
            problems.add("no CUnit Run Summary: the suite did not finish"
                    + (unfinished != null ? "; it was in " + unfinished : ""));
            return problems;
        }
        if (summary.ran() != tests.size()) {
            problems.add("CUnit ran " + summary.ran() + " tests but " + tests.size() + " verdicts were parsed");
        }
        if (summary.failed() != failed()) {
            problems.add("CUnit counted " + summary.failed() + " failures but " + failed() + " were parsed");
        }
        if (summary.passed() != passed() + skipped()) {
            problems.add("CUnit counted " + summary.passed() + " passed but parsed " + passed() + " passed + "
                    + skipped() + " skipped");
        }
        return problems;
    }

    public String summaryLine() {
        return String.format("iscsi-test-cu: %d tests: %d passed, %d failed, %d skipped", tests.size(), passed(),
                failed(), skipped());
    }
}
