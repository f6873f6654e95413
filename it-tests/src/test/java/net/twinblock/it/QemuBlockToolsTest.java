package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
}
