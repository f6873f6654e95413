package net.twinblock.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueParsersTest {

    @ParameterizedTest
    @CsvSource({
        "1073741824, 1073741824",
        "1G, 1073741824",
        "1g, 1073741824",
        "1GiB, 1073741824",
        "1GB, 1073741824",
        "512M, 536870912",
        "4K, 4096",
        "4 K, 4096",
        "2T, 2199023255552",
        "0, 0",
    })
    void sizesUseBinaryUnits(String text, long bytes) {
        assertEquals(bytes, ValueParsers.parseSize(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5G", "-1", "1X", "G", "", "1 G B", "0x10", "99999999999999999999", "9000000P"})
    void malformedSizesAreRefused(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValueParsers.parseSize(text));
        assertTrue(e.getMessage().contains("size"), e.getMessage());
    }

    @Test
    void sizeBoundsAreEnforced() {
        ValueParser<Integer> p = ValueParsers.intSize(512, 16_777_215);
        assertEquals(512, p.parse("512"));
        assertEquals(16_777_215, p.parse("16777215"));
        assertThrows(IllegalArgumentException.class, () -> p.parse("511"));
        assertThrows(IllegalArgumentException.class, () -> p.parse("16M")); // 16777216
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500", "5s, 5000", "5S, 5000", "2m, 120000", "1h, 3600000", "15 s, 15000"})
    void durationsNeedAUnit(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), ValueParsers.duration(Duration.ZERO, Duration.ofDays(1)).parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "5sec", "1.5s", "s", "-1s", "1d"})
    void durationsWithoutAKnownUnitAreRefused(String text) {
        assertThrows(IllegalArgumentException.class,
                () -> ValueParsers.duration(Duration.ZERO, Duration.ofDays(1)).parse(text));
    }

    @Test
    void durationBoundsAreNamedInHumanUnits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ValueParsers.duration(Duration.ofSeconds(1), Duration.ofHours(1)).parse("500ms"));
        assertEquals("must be between 1s and 1h", e.getMessage());
    }

    @Test
    void hostPortAcceptsIpv4AndBracketedIpv6() throws Exception {
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 3260),
                ValueParsers.hostPort().parse("127.0.0.1:3260"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 3260),
                ValueParsers.hostPort().parse("[::1]:3260"));
        assertEquals("[0:0:0:0:0:0:0:1]:3260", ValueParsers.format(ValueParsers.hostPort().parse("[::1]:3260")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", ":3260", "::1:3260", "host.invalid:3260",
        "127.0.0.1:32a"})
    void badHostPortIsRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> ValueParsers.hostPort().parse(text));
    }

    @Test
    void portalListRefusesDuplicatesAndEmptyEntries() {
        assertEquals(2, ValueParsers.hostPortList().parse("127.0.0.1:3260, 127.0.0.1:3261").size());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> ValueParsers.hostPortList().parse("127.0.0.1:3260,127.0.0.1:3260"));
        assertEquals("127.0.0.1:3260 is listed twice", dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ValueParsers.hostPortList().parse("127.0.0.1:3260,"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"iqn.2026-11.net.twinblock:vol0", "iqn.2026-01.net.twinblock.it:vol0",
        "iqn.2004-04.com.example", "IQN.2026-11.Net.Example:Disk1", "eui.02004567A425678D",
        "naa.52004567BA64678D", "iqn.2026-11.com.example:a.b-c:d"})
    void validIscsiNames(String name) {
        assertEquals(name, ValueParsers.iscsiName().parse(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vol0", "iqn.26-11.com.example", "iqn.2026-13.com.example", "iqn.2026-11.", "eui.123",
        "iqn.2026-11.com.example:with space", "iqn.2026-11.com_example"})
    void invalidIscsiNames(String name) {
        assertThrows(IllegalArgumentException.class, () -> ValueParsers.iscsiName().parse(name));
    }

    @Test
    void naaMustBeType6AndSixteenBytes() {
        assertEquals(16, ValueParsers.naa().parse("0x60274622293198480c35b68dfc6a0442").length);
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> ValueParsers.naa().parse("50274622293198480c35b68dfc6a0442"));
        assertTrue(type.getMessage().contains("type 6"), type.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ValueParsers.naa().parse("6027462229319848"));
    }

    @Test
    void booleansAreExactlyTrueOrFalse() {
        assertEquals(true, ValueParsers.bool().parse("true"));
        assertEquals(false, ValueParsers.bool().parse("false"));
        for (String s : List.of("yes", "1", "TRUE", "on")) {
            assertThrows(IllegalArgumentException.class, () -> ValueParsers.bool().parse(s), s);
        }
    }
}
