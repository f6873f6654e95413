package net.twinblock.iscsi.login;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.twinblock.iscsi.config.IscsiTargetConfig;

/**
 * The operational keys of one login (RFC 7143 §13): answers what the initiator offers, offers
 * what we need settled that the initiator did not raise, and yields {@link SessionParams}.
 * One instance per login; not thread-safe (a login runs on its connection's event loop).
 */
final class OperationalNegotiation {

    /** What this target chooses for each key, as the RFC's result functions take it. */
    private final Map<LoginKey, String> ours = new EnumMap<>(LoginKey.class);
    /** Values in force after negotiation; absent keys keep their RFC default. */
    private final Map<LoginKey, String> results = new EnumMap<>(LoginKey.class);
    /** Keys the initiator has sent in this login (offers or answers): a second one is an error. */
    private final Set<LoginKey> seen = EnumSet.noneOf(LoginKey.class);
    /** Keys we offered and the initiator still has to answer. */
    private final Set<LoginKey> offered = EnumSet.noneOf(LoginKey.class);
    private final int ourMaxRecvDataSegmentLength;
    private boolean offersMade;
    private boolean declared;

    OperationalNegotiation(IscsiTargetConfig cfg) {
        ourMaxRecvDataSegmentLength = cfg.maxRecvDataSegmentLength();
        int maxBurst = cfg.maxBurstLength();
        ours.put(LoginKey.HEADER_DIGEST, "CRC32C,None");
        ours.put(LoginKey.DATA_DIGEST, "CRC32C,None");
        ours.put(LoginKey.MAX_CONNECTIONS, "1");
        // No R2T before unsolicited data and data in the command PDU: what keeps a write at one
        // round trip (DESIGN.md §10).
        ours.put(LoginKey.INITIAL_R2T, KeyNegotiation.NO);
        ours.put(LoginKey.IMMEDIATE_DATA, KeyNegotiation.YES);
        ours.put(LoginKey.MAX_BURST_LENGTH, Integer.toString(maxBurst));
        ours.put(LoginKey.FIRST_BURST_LENGTH, Integer.toString(Math.min(cfg.firstBurstLength(), maxBurst)));
        ours.put(LoginKey.DEFAULT_TIME2WAIT, "2");
        ours.put(LoginKey.DEFAULT_TIME2RETAIN, "20");
        ours.put(LoginKey.MAX_OUTSTANDING_R2T, Integer.toString(cfg.maxOutstandingR2T()));
        // Our Data-Out bookkeeping relies on in-order PDUs and sequences.
        ours.put(LoginKey.DATA_PDU_IN_ORDER, KeyNegotiation.YES);
        ours.put(LoginKey.DATA_SEQUENCE_IN_ORDER, KeyNegotiation.YES);
        ours.put(LoginKey.ERROR_RECOVERY_LEVEL, "0");
        ours.put(LoginKey.TASK_REPORTING, "RFC3720");
        ours.put(LoginKey.OF_MARKER, KeyNegotiation.NO);
        ours.put(LoginKey.IF_MARKER, KeyNegotiation.NO);
    }

    /**
     * Answers the operational keys of one (reassembled) Login Request, in request order.
     * MaxBurstLength is settled before FirstBurstLength so the latter can be held under it.
     *
     * @throws LoginException INITIATOR_ERROR when a key is sent a second time in this login, or an
     *                        offer uses a value reserved for answers
     */
    List<Map.Entry<String, String>> respond(List<Map.Entry<LoginKey, String>> request, SessionType type)
            throws LoginException {
        for (Map.Entry<LoginKey, String> e : request) {
            if (!seen.add(e.getKey())) {
                throw new LoginException(LoginStatus.INITIATOR_ERROR,
                        "key " + e.getKey().wireName() + " sent twice in one login");
            }
        }
        List<Map.Entry<LoginKey, String>> ordered = new ArrayList<>(request);
        ordered.sort((a, b) -> Boolean.compare(a.getKey() != LoginKey.MAX_BURST_LENGTH,
                b.getKey() != LoginKey.MAX_BURST_LENGTH));
        Map<LoginKey, String> answers = new EnumMap<>(LoginKey.class);
        for (Map.Entry<LoginKey, String> e : ordered) {
            String answer = accept(e.getKey(), e.getValue(), type);
            if (answer != null) {
                answers.put(e.getKey(), answer);
            }
        }
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Map.Entry<LoginKey, String> e : request) {
            String answer = answers.get(e.getKey());
            if (answer != null) {
                out.add(Map.entry(e.getKey().wireName(), answer));
            }
        }
        return out;
    }

    /** @return the answer for one key, or null when none is due. */
    private String accept(LoginKey key, String value, SessionType type) throws LoginException {
        if (offered.remove(key)) {
            // The initiator answers our offer: it applied the same function, we only record the
            // outcome (a Reject or a nonsense answer leaves the default in force).
            KeyNegotiation.Outcome o = KeyNegotiation.answer(key, value, ours.get(key));
            if (o.result() != null) {
                results.put(key, o.result());
            }
            return null;
        }
        if (KeyNegotiation.isAnswerOnly(value)) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR,
                    "key " + key.wireName() + " offered with the reserved value " + value);
        }
        if (type == SessionType.DISCOVERY && key.irrelevantInDiscovery()) {
            return KeyNegotiation.IRRELEVANT;
        }
        KeyNegotiation.Outcome o = KeyNegotiation.answer(key, value, ours.getOrDefault(key, ""));
        if (key.type() == KeyType.DECLARATIVE && o.result() == null) {
            // A declaration is not answered, so a Reject would go unnoticed; and our own
            // declaration of the same key follows. An impossible value ends the login instead.
            throw new LoginException(LoginStatus.INITIATOR_ERROR, key.wireName() + "=" + value
                    + " is outside " + key.min() + ".." + key.max());
        }
        if (o.result() != null) {
            results.put(key, o.result());
        }
        if (key == LoginKey.FIRST_BURST_LENGTH && o.result() != null) {
            // §13.14: FirstBurstLength MUST NOT exceed MaxBurstLength.
            long fbl = Long.parseLong(o.result());
            long mbl = Long.parseLong(results.getOrDefault(LoginKey.MAX_BURST_LENGTH,
                    LoginKey.MAX_BURST_LENGTH.defaultValue()));
            if (fbl > mbl) {
                results.put(key, Long.toString(mbl));
                return Long.toString(mbl);
            }
        }
        return o.answer();
    }

    /**
     * Keys we need settled that the initiator has not raised, offered once per login (normal
     * sessions only; the initiator must answer them in its next request). Open-iscsi and libiscsi
     * raise them all, so this is for minimal initiators, which would otherwise leave InitialR2T=Yes
     * and 64 KiB bursts in force.
     */
    List<Map.Entry<String, String>> offers(SessionType type) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (offersMade || type != SessionType.NORMAL) {
            return out;
        }
        offersMade = true;
        for (LoginKey key : List.of(LoginKey.INITIAL_R2T, LoginKey.IMMEDIATE_DATA, LoginKey.MAX_BURST_LENGTH,
                LoginKey.FIRST_BURST_LENGTH, LoginKey.MAX_OUTSTANDING_R2T)) {
            if (!seen.contains(key) && !ours.get(key).equals(key.defaultValue())) {
                offered.add(key);
                out.add(Map.entry(key.wireName(), ours.get(key)));
            }
        }
        return out;
    }

    /** Our MaxRecvDataSegmentLength declaration, to be sent once per login (§13.12). */
    Map.Entry<String, String> declaration() {
        declared = true;
        return Map.entry(LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH.wireName(),
                Integer.toString(ourMaxRecvDataSegmentLength));
    }

    boolean declared() {
        return declared;
    }

    /** The parameters in force: negotiated values, RFC defaults for the rest. */
    SessionParams params(SessionType type) {
        int maxBurst = number(LoginKey.MAX_BURST_LENGTH);
        int firstBurst = Math.min(number(LoginKey.FIRST_BURST_LENGTH), maxBurst);
        return new SessionParams(
                declared ? ourMaxRecvDataSegmentLength : Integer.parseInt(
                        LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH.defaultValue()),
                number(LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH),
                firstBurst,
                maxBurst,
                bool(LoginKey.INITIAL_R2T),
                bool(LoginKey.IMMEDIATE_DATA),
                number(LoginKey.MAX_OUTSTANDING_R2T),
                "CRC32C".equals(value(LoginKey.HEADER_DIGEST)),
                "CRC32C".equals(value(LoginKey.DATA_DIGEST)),
                bool(LoginKey.DATA_PDU_IN_ORDER),
                bool(LoginKey.DATA_SEQUENCE_IN_ORDER),
                number(LoginKey.DEFAULT_TIME2WAIT),
                number(LoginKey.DEFAULT_TIME2RETAIN),
                number(LoginKey.ERROR_RECOVERY_LEVEL));
    }

    private String value(LoginKey key) {
        return results.getOrDefault(key, key.defaultValue());
    }

    private int number(LoginKey key) {
        return Integer.parseInt(value(key));
    }

    private boolean bool(LoginKey key) {
        return KeyNegotiation.YES.equals(value(key));
    }
}
