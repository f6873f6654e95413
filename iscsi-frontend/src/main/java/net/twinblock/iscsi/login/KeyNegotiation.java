package net.twinblock.iscsi.login;

import java.util.Arrays;
import java.util.List;

/**
 * The RFC 7143 §6.2 result functions: given the value an originator offered and the value this
 * side would choose, what the acceptor answers and which value is then in force.
 */
public final class KeyNegotiation {

    public static final String YES = "Yes";
    public static final String NO = "No";
    public static final String NONE = "None";
    public static final String REJECT = "Reject";
    public static final String IRRELEVANT = "Irrelevant";
    public static final String NOT_UNDERSTOOD = "NotUnderstood";

    /** Reserved words that may only appear as answers, never as offers (§6.2). */
    private static final List<String> ANSWER_ONLY = List.of(REJECT, IRRELEVANT, NOT_UNDERSTOOD);

    private KeyNegotiation() {
    }

    /**
     * @param answer what the acceptor sends back, or null when the key needs no answer (declarative)
     * @param result the value in force afterwards, or null when it stays as it was (after Reject)
     */
    public record Outcome(String answer, String result) {
        static Outcome reject() {
            return new Outcome(REJECT, null);
        }
    }

    /** True for Reject, Irrelevant and NotUnderstood, which an originator must never offer. */
    public static boolean isAnswerOnly(String value) {
        return ANSWER_ONLY.contains(value);
    }

    /**
     * Answers {@code offered} for {@code key}. {@code ours} is this side's choice: for a list key
     * the comma-separated values we support, for a boolean Yes/No, for a number its decimal form.
     * Offers outside the key's legal range, or not of its type, are answered Reject (§6.2.2
     * permits Reject or an admissible value; Reject makes the peer's mistake visible and keeps
     * the value in force).
     */
    public static Outcome answer(LoginKey key, String offered, String ours) {
        switch (key.type()) {
            case LIST:
                return list(offered, ours);
            case BOOLEAN_AND:
            case BOOLEAN_OR: {
                Boolean theirs = parseBoolean(offered);
                Boolean mine = parseBoolean(ours);
                if (theirs == null || mine == null) {
                    return Outcome.reject();
                }
                boolean r = key.type() == KeyType.BOOLEAN_AND ? theirs && mine : theirs || mine;
                String v = r ? YES : NO;
                return new Outcome(v, v);
            }
            case NUMERICAL_MIN:
            case NUMERICAL_MAX: {
                long theirs = parseNumber(offered, key);
                if (theirs < 0) {
                    return Outcome.reject();
                }
                long mine = parseNumber(ours, key);
                long r = key.type() == KeyType.NUMERICAL_MIN ? Math.min(theirs, mine) : Math.max(theirs, mine);
                String v = Long.toString(r);
                return new Outcome(v, v);
            }
            case DECLARATIVE:
                if (key.numeric()) {
                    long theirs = parseNumber(offered, key);
                    return theirs < 0 ? Outcome.reject() : new Outcome(null, Long.toString(theirs));
                }
                return new Outcome(null, offered);
            case OBSOLETE:
            default:
                return Outcome.reject();
        }
    }

    /** §6.2.1: the first value of the originator's list that we support; None only if offered. */
    private static Outcome list(String offered, String ours) {
        List<String> supported = Arrays.asList(ours.split(","));
        for (String v : offered.split(",")) {
            if (supported.contains(v)) {
                return new Outcome(v, v);
            }
        }
        return Outcome.reject();
    }

    /** @return Yes/No as a boolean, or null for anything else. */
    public static Boolean parseBoolean(String v) {
        if (YES.equals(v)) {
            return Boolean.TRUE;
        }
        if (NO.equals(v)) {
            return Boolean.FALSE;
        }
        return null;
    }

    /**
     * Parses a numerical value (§6.1: decimal, or hex with a 0x prefix) and checks it against
     * the key's legal range.
     *
     * @return the value, or -1 when it is not a number or outside the range
     */
    public static long parseNumber(String v, LoginKey key) {
        if (v == null || v.isEmpty() || v.length() > 20) {
            return -1;
        }
        long n;
        try {
            if (v.startsWith("0x") || v.startsWith("0X")) {
                n = Long.parseLong(v.substring(2), 16);
            } else {
                for (int i = 0; i < v.length(); i++) {
                    if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                        return -1;
                    }
                }
                n = Long.parseLong(v);
            }
        } catch (NumberFormatException e) {
            return -1;
        }
        return n < key.min() || n > key.max() ? -1 : n;
    }
}
