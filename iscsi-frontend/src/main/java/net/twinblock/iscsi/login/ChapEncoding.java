package net.twinblock.iscsi.login;

import java.util.Base64;
import java.util.HexFormat;

/** Binary values in text keys (RFC 7143 §6.1): "0x" + hex or "0b" + base64. */
final class ChapEncoding {
    private ChapEncoding() {
    }

    /** @return the bytes, or null when the value is neither form or has no digits. */
    static byte[] decode(String value) {
        if (value == null || value.length() < 3 || value.charAt(0) != '0') {
            return null;
        }
        char form = value.charAt(1);
        String digits = value.substring(2);
        try {
            if (form == 'x' || form == 'X') {
                if (digits.length() % 2 != 0) {
                    // A leading zero nibble may be omitted: the value is a big-endian number.
                    digits = "0" + digits;
                }
                return HexFormat.of().parseHex(digits);
            }
            if (form == 'b' || form == 'B') {
                return Base64.getDecoder().decode(digits);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
