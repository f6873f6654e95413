package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.ScsiResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What an administrator sees first: libiscsi's own tools against a node with a 64 MiB LUN. */
class LibiscsiToolsTest {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
    private static NodeProcess node;

    @BeforeAll
    static void startNode() {
        node = NodeProcess.start();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void standardInquiryShowsAConnectedDirectAccessDisk() {
        ToolResult r = ToolResult.ok(TOOL_TIMEOUT, "iscsi-inq", node.url(0));

        assertTrue(r.stdout().contains("Peripheral Qualifier:CONNECTED"), r::describe);
        assertTrue(r.stdout().contains("Peripheral Device Type:DIRECT_ACCESS"), r::describe);
        assertTrue(r.stdout().contains("Removable:0"), r::describe);
        assertTrue(Pattern.compile("(?m)^Vendor:\\S").matcher(r.stdout()).find(), r::describe);
        assertTrue(Pattern.compile("(?m)^Product:\\S").matcher(r.stdout()).find(), r::describe);
    }

    @Test
    void vpdPagesListSerialAndDeviceIdentification() {
        // iscsi-inq parses -c as a decimal integer: 0x80 = 128, 0x83 = 131.
        ToolResult pages = ToolResult.ok(TOOL_TIMEOUT, "iscsi-inq", "-e", "1", "-c", "0", node.url(0));
        assertTrue(pages.stdout().contains("Page:0x80 UNIT_SERIAL_NUMBER"), pages::describe);
        assertTrue(pages.stdout().contains("Page:0x83 DEVICE_IDENTIFICATION"), pages::describe);

        ToolResult serial = ToolResult.ok(TOOL_TIMEOUT, "iscsi-inq", "-e", "1", "-c", "128", node.url(0));
        assertTrue(Pattern.compile("(?m)^Unit Serial Number:\\[\\s*\\S+.*\\]$").matcher(serial.stdout()).find(),
                serial::describe);

        ToolResult id = ToolResult.ok(TOOL_TIMEOUT, "iscsi-inq", "-e", "1", "-c", "131", node.url(0));
        assertTrue(id.stdout().contains("Page Code:(0x83) DEVICE_IDENTIFICATION"), id::describe);
        assertTrue(id.stdout().contains("Designator Type:(3) NAA"), id::describe);
        assertTrue(id.stdout().contains("Association:(0) LOGICAL_UNIT"), id::describe);
    }

    @Test
    void naaDesignatorIsWellFormedAndSurvivesARestart() throws IOException {
        NodeProcess first = NodeProcess.start();
        byte[] naa;
        String serial;
        String pageText;
        try (first) {
            naa = naaDesignator(first);
            serial = serialLine(first);
            pageText = ToolResult.ok(TOOL_TIMEOUT, "iscsi-inq", "-e", "1", "-c", "131", first.url(0)).stdout();
            assertEquals(0, first.stop(), "clean stop");
        }
        // NAA type 5 (IEEE Registered, 8 bytes) or 6 (Registered Extended, 16 bytes): what dm-multipath
        // and udev build /dev/disk/by-id from.
        int type = (naa[0] & 0xf0) >>> 4;
        assertTrue(type == 5 && naa.length == 8 || type == 6 && naa.length == 16,
                "NAA type " + type + " with " + naa.length + " bytes: " + hex(naa));

        try (NodeProcess again = NodeProcess.builder().dataDir(first.dataDir()).start()) {
            assertEquals(hex(naa), hex(naaDesignator(again)), "NAA changed across a restart");
            assertEquals(serial, serialLine(again), "serial changed across a restart");
            assertEquals(pageText,
                    ToolResult.ok(TOOL_TIMEOUT, "iscsi-inq", "-e", "1", "-c", "131", again.url(0)).stdout());
        }
    }

    @Test
    void twoNodesServingTheSameTargetReportTheSameIdentity() throws IOException {
        // The two nodes of a pair are two processes with their own data dirs; dm-multipath must see
        // one disk, so the identity may depend on the target name and LUN only.
        try (NodeProcess other = NodeProcess.start()) {
            assertEquals(hex(naaDesignator(node)), hex(naaDesignator(other)));
            assertEquals(serialLine(node), serialLine(other));
        }
        try (NodeProcess otherTarget = NodeProcess.builder().iqn("iqn.2026-01.net.twinblock.it:vol1").start()) {
            assertTrue(!hex(naaDesignator(node)).equals(hex(naaDesignator(otherTarget))),
                    "two different targets must not share a NAA");
        }
    }

    @Test
    void readCapacity16ReportsTheConfiguredSizeIn512ByteBlocks() {
        ToolResult r = ToolResult.ok(TOOL_TIMEOUT, "iscsi-readcapacity16", node.url(0));

        assertTrue(r.stdout().contains("RETURNED LOGICAL BLOCK ADDRESS:131071"), r::describe);
        assertTrue(r.stdout().contains("LOGICAL BLOCK LENGTH IN BYTES:512"), r::describe);
        assertTrue(r.stdout().contains("Total size:67108864"), r::describe);
    }

    @Test
    void readCapacity16ReportsA4096ByteBlockLun() {
        try (NodeProcess big = NodeProcess.builder().luns("--lun.0.size=32M", "--lun.0.block-size=4096").start()) {
            ToolResult r = ToolResult.ok(TOOL_TIMEOUT, "iscsi-readcapacity16", big.url(0));

            assertTrue(r.stdout().contains("RETURNED LOGICAL BLOCK ADDRESS:8191"), r::describe);
            assertTrue(r.stdout().contains("LOGICAL BLOCK LENGTH IN BYTES:4096"), r::describe);
            assertTrue(r.stdout().contains("Total size:33554432"), r::describe);
        }
    }

    @Test
    void discoveryListsTheTargetAtItsPortal() {
        ToolResult r = ToolResult.ok(TOOL_TIMEOUT, "iscsi-ls", node.portalUrl());

        assertTrue(r.stdout().contains("Target:" + node.iqn() + " Portal:127.0.0.1:" + node.iscsiPort() + ","),
                r::describe);
    }

    @Test
    void iscsiLsWithSizesShowsTheLun() {
        ToolResult r = ToolResult.ok(TOOL_TIMEOUT, "iscsi-ls", "-s", node.portalUrl());

        assertTrue(r.stdout().contains("Target:" + node.iqn()), r::describe);
        List<String> luns = r.linesStartingWith("Lun:");
        assertEquals(1, luns.size(), r::describe);
        assertTrue(luns.get(0).matches("Lun:0\\s+Type:DIRECT_ACCESS \\(Size:\\d+M\\)"), r::describe);
    }

    /** The NAA designator bytes of VPD page 0x83, read with our own client (iscsi-inq prints them raw). */
    static byte[] naaDesignator(NodeProcess n) throws IOException {
        try (IscsiConnection c = IscsiConnection.login(n.iscsiPort(), "iqn.2026-01.net.twinblock.it:vpd", n.iqn())) {
            ScsiResult r = c.inquiry(0, true, 0x83, 255);
            assertTrue(r.good(), r::toString);
            byte[] page = r.data();
            assertEquals(0x83, page[1] & 0xff, "page code");
            int end = Math.min(page.length, 4 + ((page[2] & 0xff) << 8 | (page[3] & 0xff)));
            for (int at = 4; at + 4 <= end; at += 4 + (page[at + 3] & 0xff)) {
                int association = (page[at + 1] >>> 4) & 0x3;
                int designatorType = page[at + 1] & 0x0f;
                if (designatorType == 3 && association == 0) {
                    return Arrays.copyOfRange(page, at + 4, at + 4 + (page[at + 3] & 0xff));
                }
            }
            throw new AssertionError("no NAA designator for the logical unit in VPD 0x83: " + hex(page));
        }
    }

    private static String serialLine(NodeProcess n) {
        List<String> lines = ToolResult.ok(TOOL_TIMEOUT, "iscsi-inq", "-e", "1", "-c", "128", n.url(0))
                .linesStartingWith("Unit Serial Number:");
        assertEquals(1, lines.size());
        return lines.get(0);
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }
}
