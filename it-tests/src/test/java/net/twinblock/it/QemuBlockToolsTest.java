package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.twinblock.it.client.PduTap;
import org.junit.jupiter.api.Test;

/**
 * qemu's iSCSI block driver (libiscsi underneath) as the host: it asks GET LBA STATUS for
 * {@code qemu-img map} and sends EXTENDED COPY for {@code qemu-img convert -C}, the copy offload
 * a hypervisor uses to clone a disk. The node's LUNs are sparse files, so what map reports is
 * the files' holes.
 */
class QemuBlockToolsTest {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final long MIB = 1 << 20;

    /** One entry of {@code qemu-img map --output=json}: a byte range that holds data or reads as zeros. */
    record MapEntry(long start, long length, boolean data, boolean zero) {
    }

    private static final Pattern ENTRY = Pattern.compile(
            "\"start\": (\\d+), \"length\": (\\d+),.*?\"zero\": (true|false), \"data\": (true|false)");

    static List<MapEntry> map(String url) {
        ToolResult r = ToolResult.ok(TOOL_TIMEOUT, "qemu-img", "map", "--output=json", url);
        List<MapEntry> entries = new ArrayList<>();
        Matcher m = ENTRY.matcher(r.stdout());
        while (m.find()) {
            entries.add(new MapEntry(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                    Boolean.parseBoolean(m.group(4)), Boolean.parseBoolean(m.group(3))));
        }
        return entries;
    }

    static void qemuIo(String url, String... commands) {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        cmd.add(url);
        ToolResult r = ToolResult.run(TOOL_TIMEOUT, cmd);
        assertEquals(0, r.exitCode(), r::describe);
    }

    private static MapEntry hole(long start, long length) {
        return new MapEntry(start, length, false, true);
    }

    private static MapEntry data(long start, long length) {
        return new MapEntry(start, length, true, false);
    }

    @Test
    void qemuImgMapShowsWrittenRangesAsDataAndTheRestAsHoles() {
        try (NodeProcess node = NodeProcess.start()) {
            String url = node.url(0);
            assertEquals(List.of(hole(0, 64 * MIB)), map(url), "a new LUN is one hole");

            qemuIo(url, "write -P 0x5a 1M 1M", "write -P 0x11 8M 64k");
            assertEquals(List.of(hole(0, MIB), data(MIB, MIB), hole(2 * MIB, 6 * MIB), data(8 * MIB, 64 * 1024),
                    hole(8 * MIB + 64 * 1024, 56 * MIB - 64 * 1024)), map(url));

            qemuIo(url, "discard 1M 512k");
            assertEquals(List.of(hole(0, MIB + 512 * 1024), data(MIB + 512 * 1024, 512 * 1024),
                    hole(2 * MIB, 6 * MIB), data(8 * MIB, 64 * 1024), hole(8 * MIB + 64 * 1024, 56 * MIB - 64 * 1024)),
                    map(url), "an UNMAP punches the hole GET LBA STATUS then reports");
            qemuIo(url, "read -P 0 1M 512k", "read -P 0x5a 1536k 512k", "read -P 0x11 8M 64k");
        }
    }

    /** A SCSI command as the tap saw it, and the status byte it was answered with (-1: none seen). */
    record Command(String cdb, int status, String sense) {
    }

    private static final Pattern COMMAND = Pattern.compile(
            "I->T op=0x01\\S* .*itt=(0x\\p{XDigit}+) .*cdb=(\\p{XDigit}+)");
    private static final Pattern RESPONSE = Pattern.compile(
            "T->I op=0x21 .*itt=(0x\\p{XDigit}+) .*status=0x(\\p{XDigit}{2}) .*sense=(\\p{XDigit}*)");

    /** The SCSI commands of a tap's transcript, each with the status it got. */
    static List<Command> commands(PduTap tap) {
        Map<String, String[]> answers = new HashMap<>();
        for (String line : tap.transcript()) {
            Matcher r = RESPONSE.matcher(line);
            if (r.find()) {
                answers.put(r.group(1), new String[] {r.group(2), r.group(3)});
            }
        }
        List<Command> commands = new ArrayList<>();
        for (String line : tap.transcript()) {
            Matcher c = COMMAND.matcher(line);
            if (c.find()) {
                String[] answer = answers.get(c.group(1));
                commands.add(new Command(c.group(2), answer == null ? -1 : Integer.parseInt(answer[0], 16),
                        answer == null ? "" : answer[1]));
            }
        }
        return commands;
    }

    @Test
    void qemuImgConvertWithCopyOffloadCopiesBetweenTwoLunsByExtendedCopy() throws IOException {
        try (NodeProcess node = NodeProcess.builder().luns("--lun.0.size=64M", "--lun.1.size=64M").start();
                PduTap tap = new PduTap(node.iscsiPort())) {
            String source = node.url(0);
            qemuIo(source, "write -P 0x5a 1M 3M", "write -P 0x33 40M 1M");
            String tapped = "iscsi://127.0.0.1:" + tap.port() + "/" + node.iqn() + "/";
            ToolResult.ok(TOOL_TIMEOUT, "qemu-img", "convert", "-C", "-n", "-f", "raw", "-O", "raw",
                    tapped + 0, tapped + 1);

            List<Command> commands = commands(tap);
            List<Command> copies = commands.stream().filter(c -> c.cdb().startsWith("83")).toList();
            assertFalse(copies.isEmpty(), "qemu-img sent EXTENDED COPY: " + commands);
            assertTrue(copies.stream().allMatch(c -> c.status() == 0), "every copy GOOD: " + copies);
            assertTrue(commands.stream().noneMatch(c -> c.cdb().startsWith("28") || c.cdb().startsWith("88")),
                    "no data was read through the host: " + commands);
            ToolResult compare = ToolResult.run(TOOL_TIMEOUT, "qemu-img", "compare", "-f", "raw", "-F", "raw",
                    source, node.url(1));
            assertEquals(0, compare.exitCode(), compare::describe);
            assertEquals(map(source), map(node.url(1)), "the holes copied as holes");
        }
    }

    @Test
    void aLunOfAnotherTargetIsNoCopyTargetAndQemuImgFallsBackToReadAndWrite() throws IOException {
        try (NodeProcess here = NodeProcess.start();
                NodeProcess there = NodeProcess.builder().iqn("iqn.2026-01.net.twinblock.it:other").start();
                PduTap tap = new PduTap(there.iscsiPort())) {
            qemuIo(here.url(0), "write -P 0x77 2M 1M");
            String tapped = "iscsi://127.0.0.1:" + tap.port() + "/" + there.iqn() + "/0";
            ToolResult.ok(TOOL_TIMEOUT, "qemu-img", "convert", "-C", "-n", "-f", "raw", "-O", "raw",
                    here.url(0), tapped);

            List<Command> copies = commands(tap).stream().filter(c -> c.cdb().startsWith("83")).toList();
            assertFalse(copies.isEmpty(), "qemu-img tried EXTENDED COPY: " + commands(tap));
            for (Command c : copies) {
                assertEquals(0x02, c.status(), "CHECK CONDITION: " + c);
                // Sense data after its 2-byte length: key COPY ABORTED, COPY TARGET DEVICE NOT REACHABLE.
                assertEquals(0x0a, Integer.parseInt(c.sense().substring(2 * (2 + 2), 2 * (2 + 3)), 16) & 0x0f,
                        "sense key COPY ABORTED: " + c);
                assertEquals("0d02", c.sense().substring(2 * (2 + 12), 2 * (2 + 14)), "ASC/ASCQ: " + c);
            }
            ToolResult compare = ToolResult.run(TOOL_TIMEOUT, "qemu-img", "compare", "-f", "raw", "-F", "raw",
                    here.url(0), there.url(0));
            assertEquals(0, compare.exitCode(), compare::describe);
        }
    }

    /** Runs {@code qemu-img convert -C} through a tap and asserts it copied by EXTENDED COPY alone. */
    private static void convertByExtendedCopy(NodeProcess node, int fromLun, int toLun) throws IOException {
        try (PduTap tap = new PduTap(node.iscsiPort())) {
            String tapped = "iscsi://127.0.0.1:" + tap.port() + "/" + node.iqn() + "/";
            ToolResult.ok(TOOL_TIMEOUT, "qemu-img", "convert", "-C", "-n", "-f", "raw", "-O", "raw",
                    tapped + fromLun, tapped + toLun);
            List<Command> commands = commands(tap);
            assertTrue(commands.stream().anyMatch(c -> c.cdb().startsWith("83") && c.status() == 0),
                    "EXTENDED COPY answered GOOD: " + commands);
            assertTrue(commands.stream().noneMatch(c -> c.cdb().startsWith("83") && c.status() != 0), commands::toString);
            assertTrue(commands.stream().noneMatch(c -> c.cdb().startsWith("2a") || c.cdb().startsWith("8a")),
                    "nothing written through the host: " + commands);
        }
    }

    @Test
    void copyOffloadBetweenTwoLunsOfAPairLandsOnBothNodes() throws IOException {
        try (PairProcesses pair = PairProcesses.start("--lun.1.size=64M")) {
            NodeProcess primary = pair.primary();
            NodeProcess secondary = pair.secondary();
            qemuIo(primary.url(0), "write -P 0x5a 1M 3M", "write -P 0x33 40M 1M");
            convertByExtendedCopy(primary, 0, 1);

            // Through the secondary: it reads its own copy of LUN 0 and forwards the copy's writes.
            qemuIo(primary.url(0), "write -P 0x44 20M 2M");
            convertByExtendedCopy(secondary, 0, 1);
            qemuIo(primary.url(1), "read -P 0x44 20M 2M", "read -P 0x5a 1M 3M");

            pair.awaitInSync();
            assertEquals(0, primary.stop());
            assertEquals(0, secondary.stop());
            Path primaryLun1 = primary.dataDir().resolve("lun1.img");
            assertEquals(-1L, Files.mismatch(primary.dataDir().resolve("lun0.img"), primaryLun1),
                    "LUN 1 is a copy of LUN 0");
            assertEquals(-1L, Files.mismatch(primaryLun1, secondary.dataDir().resolve("lun1.img")),
                    "and the secondary holds the same copy");
        }
    }
}
