package net.twinblock.iscsi.login;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The text format of Login and Text PDUs (RFC 7143 §6.1): {@code key=value} entries, each
 * terminated by a NUL byte, UTF-8 encoded. Order is kept and duplicates are kept, because the
 * negotiation must see both (a key sent twice is a protocol error the caller detects with
 * {@link #firstDuplicate}).
 */
public final class TextKeys {

    /** RFC 7143 §6.1: a key name is at most 63 bytes. */
    public static final int MAX_KEY_LENGTH = 63;
    /**
     * Longest value we accept. RFC 7143 caps ordinary values at 255 bytes, but binary values
     * (CHAP_C of up to 1024 bytes, hex-encoded) and long lists are larger; 8 KiB is above every
     * legal value and keeps a hostile peer from making us hold megabytes.
     */
    public static final int MAX_VALUE_LENGTH = 8192;

    private TextKeys() {
    }

    /**
     * Decodes every entry in the readable bytes of {@code text} without moving its reader
     * index. A missing final NUL is tolerated (some initiators omit it on the last entry);
     * empty entries (stray NULs, as in padding) are skipped.
     *
     * @throws TextFormatException for an entry without '=', an empty or illegal key name, or
     *                             an over-long key or value
     */
    public static List<Map.Entry<String, String>> decode(ByteBuf text) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        int start = text.readerIndex();
        int end = text.writerIndex();
        while (start < end) {
            int nul = text.indexOf(start, end, (byte) 0);
            int entryEnd = nul < 0 ? end : nul;
            if (entryEnd > start) {
                entries.add(parseEntry(text.toString(start, entryEnd - start, StandardCharsets.UTF_8)));
            }
            start = entryEnd + 1;
        }
        return entries;
    }

    /** Decodes bytes gathered from several PDUs (the C bit), see {@link #decode(ByteBuf)}. */
    public static List<Map.Entry<String, String>> decode(byte[] text) {
        return decode(io.netty.buffer.Unpooled.wrappedBuffer(text));
    }

    private static Map.Entry<String, String> parseEntry(String entry) {
        int eq = entry.indexOf('=');
        if (eq < 0) {
            throw new TextFormatException("text entry '" + abbreviate(entry) + "' has no '='");
        }
        String key = entry.substring(0, eq);
        String value = entry.substring(eq + 1);
        if (key.isEmpty()) {
            throw new TextFormatException("text entry '" + abbreviate(entry) + "' has an empty key name");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new TextFormatException("key name '" + abbreviate(key) + "' is longer than "
                    + MAX_KEY_LENGTH + " bytes");
        }
        for (int i = 0; i < key.length(); i++) {
            if (!isKeyChar(key.charAt(i))) {
                throw new TextFormatException("key name '" + abbreviate(key) + "' has an illegal character at "
                        + i);
            }
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new TextFormatException("value of " + key + " is longer than " + MAX_VALUE_LENGTH + " bytes");
        }
        return Map.entry(key, value);
    }

    /** RFC 7143 §6.1: key names are letters, digits, '.', '-', '+', '@', '_' (and '#' for X#). */
    private static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == '+' || c == '@' || c == '_' || c == '#';
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /**
     * Encodes {@code entries} as {@code key=value\0...}. The caller owns the returned buffer
     * (typically it becomes a Pdu's data segment, which then owns it).
     */
    public static ByteBuf encode(List<Map.Entry<String, String>> entries, ByteBufAllocator alloc) {
        int size = 0;
        for (Map.Entry<String, String> e : entries) {
            size += e.getKey().length() + e.getValue().length() + 2;
        }
        ByteBuf out = alloc.buffer(size);
        for (Map.Entry<String, String> e : entries) {
            out.writeCharSequence(e.getKey(), StandardCharsets.UTF_8);
            out.writeByte('=');
            out.writeCharSequence(e.getValue(), StandardCharsets.UTF_8);
            out.writeByte(0);
        }
        return out;
    }

    /** @return the first key that occurs more than once, if any. */
    public static Optional<String> firstDuplicate(List<Map.Entry<String, String>> entries) {
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, String> e : entries) {
            if (!seen.add(e.getKey())) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }
}
