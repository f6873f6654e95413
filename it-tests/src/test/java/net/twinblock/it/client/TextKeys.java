package net.twinblock.it.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** iSCSI text keys (RFC 7143 §6): "key=value" pairs, each terminated by a NUL byte. */
public final class TextKeys {
    private TextKeys() {
    }

    public static byte[] encode(Map<String, String> keys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        keys.forEach((k, v) -> {
            out.writeBytes((k + "=" + v).getBytes(StandardCharsets.UTF_8));
            out.write(0);
        });
        return out.toByteArray();
    }

    /** Decodes leniently: the tests want to see what a target said, even if it is malformed. */
    public static Map<String, String> decode(byte[] data) {
        Map<String, String> keys = new LinkedHashMap<>();
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == 0) {
                if (i > start) {
                    String pair = new String(data, start, i - start, StandardCharsets.UTF_8);
                    int eq = pair.indexOf('=');
                    if (eq < 0) {
                        keys.put(pair, "");
                    } else {
                        keys.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
                start = i + 1;
            }
        }
        return keys;
    }
}
