package net.twinblock.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.twinblock.iscsi.config.ChapAlgorithm;

/**
 * The value syntaxes of the config file. Each factory returns a strict parser: anything it
 * does not fully understand is refused with a phrase saying what it expects.
 */
public final class ValueParsers {

    private ValueParsers() {
    }

    // Binary multiples: storage administrators read "1G" on a LUN as GiB, as LIO and tgt do.
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([KMGTP]?)(?:I?B)?");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(MS|S|M|H)");
    private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([0-9A-Fa-f:.%a-zA-Z]+)]|([^:\\[\\]]+)):(\\d{1,5})");
    // RFC 7143 §4.2.7.2: iqn.yyyy-mm.reversed.domain[:anything], eui.<16 hex>, naa.<16 or 32 hex>.
    private static final Pattern IQN = Pattern.compile("iqn\\.\\d{4}-(0[1-9]|1[0-2])\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?"
            + "(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[a-z0-9.:-]+)?");
    private static final Pattern EUI = Pattern.compile("eui\\.[0-9a-f]{16}");
    private static final Pattern NAA_NAME = Pattern.compile("naa\\.([0-9a-f]{16}|[0-9a-f]{32})");

    /** A byte count: digits with an optional binary suffix K, M, G, T, P (KiB, 1g, 4096 ...). */
    public static long parseSize(String raw) {
        Matcher m = SIZE.matcher(raw.strip().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 4096, 512K, 1G or 2T");
        }
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            case "P" -> 50;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size is too large");
        }
    }

    /** A size within [min, max]. */
    public static ValueParser<Long> size(long min, long max) {
        return raw -> {
            long n = parseSize(raw);
            if (n < min || n > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max + " bytes");
            }
            return n;
        };
    }

    /** A size that fits an int, within [min, max] (PDU and burst lengths). */
    public static ValueParser<Integer> intSize(int min, int max) {
        ValueParser<Long> p = size(min, max);
        return raw -> p.parse(raw).intValue();
    }

    /** A plain decimal integer within [min, max]. */
    public static ValueParser<Integer> integer(int min, int max) {
        return raw -> {
            int n;
            try {
                n = Integer.parseInt(raw.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number between " + min + " and " + max);
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return n;
        };
    }

    /** A duration with a unit: 500ms, 5s, 2m, 1h. A bare number is refused: is 5 seconds or ms? */
    public static ValueParser<Duration> duration(Duration min, Duration max) {
        return raw -> {
            Matcher m = DURATION.matcher(raw.strip().toUpperCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("expected a duration with a unit: ms, s, m or h (e.g. 5s)");
            }
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "MS" -> Duration.ofMillis(n);
                case "S" -> Duration.ofSeconds(n);
                case "M" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException("must be between " + human(min) + " and " + human(max));
            }
            return d;
        };
    }

    /** Exactly "true" or "false": "yes", "1" and friends are typos waiting to happen. */
    public static ValueParser<Boolean> bool() {
        return raw -> switch (raw.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    /** One of the given words. */
    public static ValueParser<String> oneOf(String... choices) {
        return raw -> {
            for (String c : choices) {
                if (c.equals(raw.strip())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("expected one of " + String.join(", ", choices));
        };
    }

    /** host:port, with [v6]:port for IPv6 literals. Host names are resolved now, once. */
    public static ValueParser<InetSocketAddress> hostPort() {
        return raw -> {
            Matcher m = HOST_PORT.matcher(raw.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("expected host:port, e.g. 127.0.0.1:3260 or [::1]:3260");
            }
            String host = m.group(1) != null ? m.group(1) : m.group(2).strip();
            int port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535");
            }
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("unknown host '" + host + "'");
            }
        };
    }

    /** A comma-separated list of host:port, at least one, no duplicates. */
    public static ValueParser<List<InetSocketAddress>> hostPortList() {
        ValueParser<InetSocketAddress> one = hostPort();
        return raw -> {
            Set<InetSocketAddress> out = new LinkedHashSet<>();
            for (String part : raw.split(",", -1)) {
                if (part.isBlank()) {
                    throw new IllegalArgumentException("empty entry in the list");
                }
                InetSocketAddress a = one.parse(part);
                if (!out.add(a)) {
                    throw new IllegalArgumentException(format(a) + " is listed twice");
                }
            }
            return List.copyOf(new ArrayList<>(out));
        };
    }

    /** An iSCSI name (RFC 7143 §4.2.7): iqn., eui. or naa. form, at most 223 bytes. */
    /** Host names (RFC 1123 labels), comma-separated, lower-cased: what a Host header may name. */
    public static ValueParser<List<String>> hostNameList() {
        return raw -> {
            Set<String> out = new LinkedHashSet<>();
            for (String part : raw.split(",")) {
                String name = part.strip().toLowerCase(Locale.ROOT);
                if (!HOST_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("expected host names such as node1.example.com");
                }
                out.add(name);
            }
            return List.copyOf(out);
        };
    }

    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    public static ValueParser<String> iscsiName() {
        return raw -> {
            String name = raw.strip();
            // Names are compared after lower-casing (RFC 3722 stringprep), so accept either case.
            String lower = name.toLowerCase(Locale.ROOT);
            if (name.length() > 223) {
                throw new IllegalArgumentException("an iSCSI name is at most 223 bytes");
            }
            if (!IQN.matcher(lower).matches() && !EUI.matcher(lower).matches()
                    && !NAA_NAME.matcher(lower).matches()) {
                throw new IllegalArgumentException("expected an iSCSI name such as iqn.2026-11.com.example:disk1");
            }
            return name;
        };
    }

    /** Comma-separated iSCSI names, each once. */
    public static ValueParser<List<String>> iscsiNameList() {
        ValueParser<String> one = iscsiName();
        return raw -> {
            Set<String> out = new LinkedHashSet<>();
            for (String part : raw.split(",")) {
                if (!out.add(one.parse(part).toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException(part.strip() + " is listed twice");
                }
            }
            return List.copyOf(out);
        };
    }

    /**
     * A CHAP secret (RFC 7143 §12.1.3 wants at least 96 random bits): 12 to 255 printable
     * characters, or "0x" and 12 to 255 bytes in hex, which the secret then is.
     */
    /**
     * CHAP hash functions by open-iscsi's names (SHA256, MD5), comma-separated; the target picks
     * the strongest of them that an initiator offers, whatever order they are written in.
     */
    public static ValueParser<List<ChapAlgorithm>> chapAlgorithms() {
        return raw -> {
            Set<ChapAlgorithm> out = EnumSet.noneOf(ChapAlgorithm.class);
            for (String part : raw.split(",")) {
                ChapAlgorithm a = ChapAlgorithm.byConfigName(part.strip());
                if (a == null) {
                    throw new IllegalArgumentException("expected SHA256, MD5 or both, comma-separated");
                }
                out.add(a);
            }
            return List.copyOf(out);
        };
    }

    public static ValueParser<String> chapSecret() {
        ValueParser<String> text = token(12, 255);
        return raw -> {
            String s = raw.strip();
            if (!s.startsWith("0x") && !s.startsWith("0X")) {
                return text.parse(s);
            }
            String hex = s.substring(2);
            if (!hex.matches("[0-9a-fA-F]*") || hex.length() % 2 != 0 || hex.length() < 24 || hex.length() > 510) {
                throw new IllegalArgumentException("a 0x secret is 12 to 255 bytes: 24 to 510 hex digits");
            }
            return s;
        };
    }

    /** Printable ASCII without spaces, 1..maxLength characters (serial numbers, CHAP names). */
    public static ValueParser<String> token(int minLength, int maxLength) {
        return raw -> {
            String s = raw.strip();
            if (s.length() < minLength || s.length() > maxLength) {
                throw new IllegalArgumentException(minLength == maxLength
                        ? "must be " + minLength + " characters long"
                        : "must be " + minLength + " to " + maxLength + " characters long");
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x21 || c > 0x7e) {
                    throw new IllegalArgumentException("only printable ASCII without spaces is allowed");
                }
            }
            return s;
        };
    }

    /** Free text without control characters (target alias), 1..maxLength characters. */
    public static ValueParser<String> text(int maxLength) {
        return raw -> {
            String s = raw.strip();
            if (s.length() > maxLength) {
                throw new IllegalArgumentException("must be at most " + maxLength + " characters long");
            }
            if (s.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("control characters are not allowed");
            }
            return s;
        };
    }

    /** A file system path, made absolute against the working directory so logs show where. */
    public static ValueParser<Path> path() {
        return raw -> {
            try {
                return Path.of(raw.strip()).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("not a valid path: " + e.getReason());
            }
        };
    }

    /** 16 bytes as 32 hex digits (optionally 0x-prefixed), NAA type 6 (first digit 6). */
    public static ValueParser<byte[]> naa() {
        return raw -> {
            String s = raw.strip().toLowerCase(Locale.ROOT);
            if (s.startsWith("0x")) {
                s = s.substring(2);
            }
            if (!s.matches("[0-9a-f]{32}")) {
                throw new IllegalArgumentException("expected 32 hex digits (a 16-byte NAA designator)");
            }
            if (s.charAt(0) != '6') {
                throw new IllegalArgumentException("must be an NAA type 6 (IEEE Registered Extended) "
                        + "designator, starting with the digit 6");
            }
            return HexFormat.of().parseHex(s);
        };
    }

    /** host:port as an administrator writes it (IPv6 in brackets). */
    public static String format(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** 1.5s, 250ms, 2m: the shortest unit that shows the value exactly. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
