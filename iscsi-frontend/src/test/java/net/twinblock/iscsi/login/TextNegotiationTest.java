package net.twinblock.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import org.junit.jupiter.api.Test;

/** Text Requests in the full feature phase: SendTargets and the keys allowed after login. */
class TextNegotiationTest {

    private static final String TARGET = "iqn.2026-11.net.twinblock:vol0";

    private static IscsiTargetConfig config(InetSocketAddress... portals) {
        IscsiTargetConfig d = IscsiTargetConfig.withDefaults(TARGET, List.of(portals), Map.of());
        return new IscsiTargetConfig(d.targetName(), null, d.portals(), 2, d.chap(), d.luns(),
                d.maxRecvDataSegmentLength(), d.firstBurstLength(), d.maxBurstLength(), d.maxOutstandingR2T(),
                d.commandWindow(), d.nopInterval(), d.nopTimeout(), d.loginTimeout());
    }

    private static final IscsiTargetConfig TWO_PORTALS = config(new InetSocketAddress("127.0.0.1", 3260),
            new InetSocketAddress("::1", 3261));

    private static List<Map.Entry<String, String>> ask(SessionType type, String session, String... keys) {
        List<Map.Entry<String, String>> req = new java.util.ArrayList<>();
        for (String k : keys) {
            req.add(Map.entry(k.substring(0, k.indexOf('=')), k.substring(k.indexOf('=') + 1)));
        }
        return TextNegotiation.respond(req, type, session, TWO_PORTALS);
    }

    private static final List<Map.Entry<String, String>> OUR_TARGET = List.of(
            Map.entry("TargetName", TARGET),
            Map.entry("TargetAddress", "127.0.0.1:3260,2"),
            Map.entry("TargetAddress", "[0:0:0:0:0:0:0:1]:3261,2"));

    @Test
    void sendTargetsAllListsEveryPortalWithIpv6InBrackets() {
        assertEquals(OUR_TARGET, ask(SessionType.DISCOVERY, null, "SendTargets=All"));
        assertEquals(OUR_TARGET, ask(SessionType.NORMAL, TARGET, "SendTargets=All"));
    }

    @Test
    void sendTargetsByNameReportsOnlyThatTarget() {
        assertEquals(OUR_TARGET, ask(SessionType.DISCOVERY, null, "SendTargets=" + TARGET));
        assertEquals(List.of(), ask(SessionType.DISCOVERY, null, "SendTargets=iqn.2000-01.other:x"));
    }

    @Test
    void emptySendTargetsMeansThisSessionsTargetAndOnlyInNormalSessions() {
        assertEquals(OUR_TARGET, ask(SessionType.NORMAL, TARGET, "SendTargets="));
        assertEquals(List.of(Map.entry("SendTargets", "Reject")), ask(SessionType.DISCOVERY, null, "SendTargets="));
    }

    @Test
    void wildcardPortalIsReportedAsTheAddressTheInitiatorReached() throws Exception {
        IscsiTargetConfig cfg = config(new InetSocketAddress("0.0.0.0", 3260));
        List<Map.Entry<String, String>> out = TextNegotiation.respond(List.of(Map.entry("SendTargets", "All")),
                SessionType.DISCOVERY, null, cfg, InetAddress.getByName("192.0.2.10"), null);
        assertEquals(Map.entry("TargetAddress", "192.0.2.10:3260,2"), out.get(1));
    }

    @Test
    void loginOnlyKeysAreRejectedAndUnknownKeysNotUnderstood() {
        List<Map.Entry<String, String>> out = ask(SessionType.NORMAL, TARGET, "MaxBurstLength=65536",
                "InitialR2T=Yes", "X-vendor.key=1", "InitiatorAlias=host1", "MaxRecvDataSegmentLength=65536");
        assertEquals(List.of(Map.entry("MaxBurstLength", "Reject"), Map.entry("InitialR2T", "Reject"),
                Map.entry("X-vendor.key", "NotUnderstood"), Map.entry("MaxRecvDataSegmentLength", "262144")), out);
    }

    @Test
    void declaredMaxRecvDataSegmentLengthIsReadForTheSessionLayer() {
        assertEquals(OptionalInt.of(65536), TextNegotiation.declaredMaxRecvDataSegmentLength(
                List.of(Map.entry("MaxRecvDataSegmentLength", "65536"))));
        assertEquals(OptionalInt.empty(), TextNegotiation.declaredMaxRecvDataSegmentLength(
                List.of(Map.entry("MaxRecvDataSegmentLength", "1"))));
    }
}
