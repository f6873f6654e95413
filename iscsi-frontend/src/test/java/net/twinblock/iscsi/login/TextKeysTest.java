package net.twinblock.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TextKeysTest {

    private static ByteBuf text(String s) {
        return PooledByteBufAllocator.DEFAULT.buffer().writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Map.Entry<String, String>> decode(String s) {
        ByteBuf buf = text(s);
        try {
            int before = buf.readerIndex();
            List<Map.Entry<String, String>> entries = TextKeys.decode(buf);
            assertEquals(before, buf.readerIndex(), "decode does not consume");
            return entries;
        } finally {
            buf.release();
        }
    }

    @Test
    void decodesEntriesInOrderKeepingDuplicatesAndEmptyValues() {
        List<Map.Entry<String, String>> e = decode("B=2\0A=1\0B=3\0SendTargets=\0");
        assertEquals(List.of(Map.entry("B", "2"), Map.entry("A", "1"), Map.entry("B", "3"),
                Map.entry("SendTargets", "")), e);
        assertEquals(Optional.of("B"), TextKeys.firstDuplicate(e));
    }

    @Test
    void toleratesMissingFinalNulAndStrayNuls() {
        assertEquals(List.of(Map.entry("A", "1"), Map.entry("B", "x=y")), decode("A=1\0\0B=x=y"));
        assertTrue(decode("\0\0").isEmpty());
    }

    @Test
    void rejectsEntriesWithoutEqualsOrKey() {
        TextFormatException e = assertThrows(TextFormatException.class, () -> decode("A=1\0junk\0"));
        assertTrue(e.getMessage().contains("junk"), e.getMessage());
        assertThrows(TextFormatException.class, () -> decode("=value\0"));
        assertThrows(TextFormatException.class, () -> decode("Bad Key=1\0"));
        assertThrows(TextFormatException.class, () -> decode("K".repeat(64) + "=1\0"));
        assertThrows(TextFormatException.class, () -> decode("K=" + "v".repeat(TextKeys.MAX_VALUE_LENGTH + 1)));
    }

    @Test
    void encodeRoundTripsIncludingUtf8() {
        List<Map.Entry<String, String>> in = List.of(Map.entry("TargetAlias", "Bänd 1"), Map.entry("X-a.b", ""));
        ByteBuf buf = TextKeys.encode(in, PooledByteBufAllocator.DEFAULT);
        try {
            assertEquals(0, buf.getByte(buf.writerIndex() - 1), "every entry ends in NUL");
            assertEquals(in, TextKeys.decode(buf));
            assertEquals(Optional.empty(), TextKeys.firstDuplicate(in));
        } finally {
            buf.release();
        }
    }
}
