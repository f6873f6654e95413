package net.twinblock.iscsi.login;

import static net.twinblock.iscsi.login.LoginExchange.C;
import static net.twinblock.iscsi.login.LoginExchange.CMD_SN;
import static net.twinblock.iscsi.login.LoginExchange.CSG_OPERATIONAL;
import static net.twinblock.iscsi.login.LoginExchange.CSG_SECURITY;
import static net.twinblock.iscsi.login.LoginExchange.EXP_STAT_SN;
import static net.twinblock.iscsi.login.LoginExchange.INITIATOR;
import static net.twinblock.iscsi.login.LoginExchange.ISID;
import static net.twinblock.iscsi.login.LoginExchange.ITT;
import static net.twinblock.iscsi.login.LoginExchange.NSG_FULL;
import static net.twinblock.iscsi.login.LoginExchange.NSG_OPERATIONAL;
import static net.twinblock.iscsi.login.LoginExchange.T;
import static net.twinblock.iscsi.login.LoginExchange.TARGET;
import static net.twinblock.iscsi.login.LoginExchange.csg;
import static net.twinblock.iscsi.login.LoginExchange.keys;
import static net.twinblock.iscsi.login.LoginExchange.nsg;
import static net.twinblock.iscsi.login.LoginExchange.status;
import static net.twinblock.iscsi.login.LoginExchange.transit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.twinblock.iscsi.config.ChapConfig;
import net.twinblock.iscsi.login.LoginStep.Status;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoginPhaseTest {

    private final LoginExchange login = new LoginExchange(LoginExchange.config(ChapConfig.NONE));

    @AfterEach
    void releaseAll() {
        login.close();
    }

    /** What open-iscsi 2.1.8 sends without CHAP (DESIGN.md §10): one PDU, T=1 CSG=1 NSG=3. */
    private static final String[] OPEN_ISCSI = {
        "InitiatorName=" + INITIATOR, "InitiatorAlias=host1", "TargetName=" + TARGET, "SessionType=Normal",
        "HeaderDigest=None", "DataDigest=None", "DefaultTime2Wait=2", "DefaultTime2Retain=0",
        "IFMarker=No", "OFMarker=No", "ErrorRecoveryLevel=0", "InitialR2T=No", "ImmediateData=Yes",
        "MaxBurstLength=16776192", "FirstBurstLength=262144", "MaxOutstandingR2T=1", "MaxConnections=1",
        "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes", "MaxRecvDataSegmentLength=262144"};

    /** The open-iscsi key set with some keys replaced or added ("Key=Value") or removed ("Key"). */
    private static String[] openIscsi(String... overrides) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String k : OPEN_ISCSI) {
            m.put(k.substring(0, k.indexOf('=')), k.substring(k.indexOf('=') + 1));
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq < 0) {
                m.remove(o);
            } else {
                m.put(o.substring(0, eq), o.substring(eq + 1));
            }
        }
        return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    @Test
    void openIscsiSinglePduLoginSkipsSecurityAndCompletes() {
        LoginStep step = login.send(T | CSG_OPERATIONAL | NSG_FULL, OPEN_ISCSI);
        Pdu rsp = step.response();

        assertEquals(Status.COMPLETE, step.status());
        assertEquals(IscsiOpcode.LOGIN_RESPONSE, rsp.opcode());
        assertEquals(0x0000, status(rsp));
        assertTrue(transit(rsp));
        assertEquals(1, csg(rsp));
        assertEquals(3, nsg(rsp));
        assertEquals(0, rsp.u8(Bhs.Login.VERSION_MAX));
        assertEquals(0, rsp.u8(Bhs.Login.VERSION_MIN_OR_ACTIVE));
        assertEquals(ISID, rsp.u64(Bhs.Login.ISID) >>> 16);
        assertEquals(0x1234, rsp.u16(Bhs.Login.TSIH));
        assertEquals(ITT, rsp.itt());
        assertEquals(EXP_STAT_SN, rsp.u32(Bhs.Login.STAT_SN));
        assertEquals(CMD_SN, rsp.u32(Bhs.Login.EXP_CMD_SN));
        assertEquals(CMD_SN + 256 - 1, rsp.u32(Bhs.Login.MAX_CMD_SN));
        assertEquals(rsp.data().readableBytes(), rsp.dataSegmentLength());

        Map<String, String> k = keys(rsp);
        assertEquals("7", k.get("TargetPortalGroupTag"));
        assertEquals("vol0-alias", k.get("TargetAlias"));
        assertEquals("No", k.get("InitialR2T"));
        assertEquals("Yes", k.get("ImmediateData"));
        assertEquals("1048576", k.get("MaxBurstLength"));
        assertEquals("262144", k.get("FirstBurstLength"));
        assertEquals("262144", k.get("MaxRecvDataSegmentLength"));
        assertEquals("None", k.get("HeaderDigest"));
        assertEquals("None", k.get("DataDigest"));
        assertEquals("1", k.get("MaxOutstandingR2T"));
        assertEquals("0", k.get("ErrorRecoveryLevel"));
        assertEquals("0", k.get("DefaultTime2Retain"));
        assertEquals("No", k.get("IFMarker"));
        assertFalse(k.containsKey("InitiatorAlias"), "declarations need no answer");

        LoginResult r = step.result();
        assertEquals(SessionType.NORMAL, r.type());
        assertEquals(INITIATOR, r.initiatorName());
        assertEquals("host1", r.initiatorAlias());
        assertEquals(ISID, r.isid());
        assertEquals(0x1234, r.tsih());
        assertEquals(1, r.cid());
        assertEquals(CMD_SN, r.expCmdSn());
        assertEquals(EXP_STAT_SN + 1, r.statSn());
        SessionParams p = r.params();
        assertEquals(262144, p.maxRecvDataSegmentLength());
        assertEquals(262144, p.maxXmitDataSegmentLength());
        assertEquals(262144, p.firstBurstLength());
        assertEquals(1048576, p.maxBurstLength());
        assertFalse(p.initialR2T());
        assertTrue(p.immediateData());
        assertEquals(1, p.maxOutstandingR2T());
        assertFalse(p.headerDigest());
        assertEquals(0, p.defaultTime2Retain());

        assertEquals(1, login.admission.calls);
        assertEquals(INITIATOR, login.admission.initiatorName);
        assertEquals(ISID, login.admission.isid);
        assertEquals(0, login.admission.tsihFromInitiator);
        assertEquals(SessionType.NORMAL, login.admission.type);
    }

    @Test
    void libiscsiSecurityStageWithNoneThenOperationalStage() {
        LoginStep sec = login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "InitiatorName=" + INITIATOR,
                "TargetName=" + TARGET, "SessionType=Normal", "AuthMethod=CHAP,None");
        assertEquals(Status.CONTINUE, sec.status());
        assertEquals(0, status(sec.response()));
        assertTrue(transit(sec.response()));
        assertEquals(0, csg(sec.response()));
        assertEquals(1, nsg(sec.response()));
        assertEquals("None", keys(sec.response()).get("AuthMethod"));
        assertEquals("7", keys(sec.response()).get("TargetPortalGroupTag"));
        assertEquals(0, sec.response().u16(Bhs.Login.TSIH), "TSIH is assigned only in the final response");
        assertEquals(0, login.admission.calls);

        // libiscsi repeats its names in the operational request.
        LoginStep op = login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitiatorName=" + INITIATOR,
                "TargetName=" + TARGET, "SessionType=Normal", "HeaderDigest=None,CRC32C", "DataDigest=None",
                "InitialR2T=No", "ImmediateData=Yes", "MaxBurstLength=262144", "FirstBurstLength=262144",
                "DefaultTime2Wait=2", "DefaultTime2Retain=0", "MaxOutstandingR2T=1", "ErrorRecoveryLevel=0",
                "IFMarker=No", "OFMarker=No", "MaxConnections=1", "MaxRecvDataSegmentLength=262144",
                "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes");
        assertEquals(Status.COMPLETE, op.status());
        Pdu rsp = op.response();
        assertEquals(0, status(rsp));
        assertEquals(1, csg(rsp));
        assertEquals(3, nsg(rsp));
        assertEquals(EXP_STAT_SN + 1, rsp.u32(Bhs.Login.STAT_SN));
        assertEquals("None", keys(rsp).get("HeaderDigest"));
        assertFalse(keys(rsp).containsKey("TargetPortalGroupTag"), "sent once, in the first response");
        assertEquals(EXP_STAT_SN + 2, op.result().statSn());
        assertEquals(1, login.admission.calls);
    }

    @Test
    void discoveryLoginNeedsNoTargetNameAndAnswersSessionOnlyKeysIrrelevant() {
        LoginStep step = login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitiatorName=" + INITIATOR,
                "SessionType=Discovery", "HeaderDigest=None", "InitialR2T=No", "MaxBurstLength=16776192",
                "MaxRecvDataSegmentLength=32768");
        assertEquals(Status.COMPLETE, step.status());
        Map<String, String> k = keys(step.response());
        assertEquals("Irrelevant", k.get("InitialR2T"));
        assertEquals("Irrelevant", k.get("MaxBurstLength"));
        assertEquals("None", k.get("HeaderDigest"));
        assertFalse(k.containsKey("TargetPortalGroupTag"));
        assertEquals(SessionType.DISCOVERY, step.result().type());
        assertEquals(SessionType.DISCOVERY, login.admission.type);
        assertEquals(32768, step.result().params().maxXmitDataSegmentLength());
    }

    @Test
    void unknownTargetNameIsNotFound() {
        LoginStep step = login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitiatorName=" + INITIATOR,
                "TargetName=iqn.2026-11.net.twinblock:nope");
        assertRefused(step, 0x0203);
    }

    @Test
    void targetNameIsMatchedIgnoringCase() {
        LoginStep step = login.send(T | CSG_OPERATIONAL | NSG_FULL, openIscsi("TargetName=" + TARGET.toUpperCase()));
        assertEquals(Status.COMPLETE, step.status());
    }

    @Test
    void missingInitiatorNameIsMissingParameter() {
        assertRefused(login.send(T | CSG_OPERATIONAL | NSG_FULL, "TargetName=" + TARGET), 0x0207);
    }

    @Test
    void normalSessionWithoutTargetNameIsMissingParameter() {
        assertRefused(login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitiatorName=" + INITIATOR), 0x0207);
    }

    @Test
    void unknownSessionTypeIsNotSupported() {
        assertRefused(login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitiatorName=" + INITIATOR,
                "TargetName=" + TARGET, "SessionType=Bogus"), 0x0209);
    }

    @Test
    void versionMinAboveZeroIsUnsupportedVersion() {
        login.versionMin = 1;
        login.versionMax = 2;
        LoginStep step = login.send(T | CSG_OPERATIONAL | NSG_FULL, OPEN_ISCSI);
        assertRefused(step, 0x0205);
        assertEquals(0, step.response().u8(Bhs.Login.VERSION_MIN_OR_ACTIVE));
    }

    @Test
    void unknownTsihIsSessionDoesNotExist() {
        login.tsih = 0x4242;
        login.admission.answer = SessionAdmission.NO_SUCH_SESSION;
        LoginStep step = login.send(T | CSG_OPERATIONAL | NSG_FULL, OPEN_ISCSI);
        assertRefused(step, 0x020a);
        assertEquals(0x4242, login.admission.tsihFromInitiator);
    }

    @Test
    void backwardStageTransitionIsInvalidDuringLogin() {
        assertRefused(login.send(T | CSG_OPERATIONAL | 0, OPEN_ISCSI), 0x020b);
    }

    @Test
    void loginStartingInFullFeaturePhaseIsInvalidDuringLogin() {
        assertRefused(login.send(T | (3 << Bhs.Login.CSG_SHIFT) | NSG_FULL, OPEN_ISCSI), 0x020b);
    }

    @Test
    void requestForAnotherStageThanTheCurrentOneIsInvalidDuringLogin() {
        login.send(CSG_OPERATIONAL, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET);
        assertRefused(login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "AuthMethod=None"), 0x020b);
    }

    @Test
    void textContinuedWithCBitIsAnsweredEmptyThenNegotiatedWhole() {
        byte[] whole = (String.join("\0", openIscsi("MaxBurstLength=65536")) + "\0")
                .getBytes(StandardCharsets.US_ASCII);
        int cut = 20; // inside the InitiatorName value: keys may be split anywhere
        ByteBuf first = login.alloc.buffer().writeBytes(whole, 0, cut);
        LoginStep part = login.sendRaw(C | CSG_OPERATIONAL, first);
        assertEquals(Status.CONTINUE, part.status());
        assertEquals(0, status(part.response()));
        assertFalse(transit(part.response()));
        assertEquals(0, part.response().data().readableBytes());
        assertEquals(EXP_STAT_SN, part.response().u32(Bhs.Login.STAT_SN));
        assertEquals(0, login.admission.calls);

        ByteBuf rest = login.alloc.buffer().writeBytes(whole, cut, whole.length - cut);
        LoginStep done = login.sendRaw(T | CSG_OPERATIONAL | NSG_FULL, rest);
        assertEquals(Status.COMPLETE, done.status());
        assertEquals(EXP_STAT_SN + 1, done.response().u32(Bhs.Login.STAT_SN));
        assertEquals("65536", keys(done.response()).get("MaxBurstLength"));
        assertEquals(INITIATOR, done.result().initiatorName());
    }

    @Test
    void tAndCBothSetIsInitiatorError() {
        assertRefused(login.send(T | C | CSG_OPERATIONAL | NSG_FULL, OPEN_ISCSI), 0x0200);
    }

    @Test
    void keyTwiceInOneRequestIsInitiatorError() {
        assertRefused(login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitiatorName=" + INITIATOR,
                "TargetName=" + TARGET, "MaxBurstLength=65536", "MaxBurstLength=65536"), 0x0200);
    }

    @Test
    void operationalKeyRenegotiatedInALaterRequestIsInitiatorError() {
        LoginStep first = login.send(CSG_OPERATIONAL, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET,
                "MaxBurstLength=65536");
        assertEquals(Status.CONTINUE, first.status());
        assertFalse(transit(first.response()));
        assertRefused(login.send(T | CSG_OPERATIONAL | NSG_FULL, "MaxBurstLength=131072"), 0x0200);
    }

    @Test
    void initiatorNameChangedDuringLoginIsInitiatorError() {
        login.send(CSG_OPERATIONAL, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET);
        assertRefused(login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitiatorName=iqn.2000-01.other:host"), 0x0200);
    }

    @Test
    void reservedValueOfferedIsInitiatorError() {
        assertRefused(login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitiatorName=" + INITIATOR,
                "TargetName=" + TARGET, "InitialR2T=Reject"), 0x0200);
    }

    @Test
    void malformedTextIsInitiatorError() {
        ByteBuf bad = login.alloc.buffer().writeBytes(("InitiatorName=" + INITIATOR + "\0garbage\0")
                .getBytes(StandardCharsets.US_ASCII));
        assertRefused(login.sendRaw(T | CSG_OPERATIONAL | NSG_FULL, bad), 0x0200);
    }

    @Test
    void unknownAndExtensionKeysAreNotUnderstoodAndBadValuesRejected() {
        LoginStep step = login.send(T | CSG_OPERATIONAL | NSG_FULL, openIscsi("X-com.example.Foo=1", "FancyKey=2",
                "MaxBurstLength=100", "MaxRecvDataSegmentLength", "ImmediateData=Maybe",
                "HeaderDigest=MD5,SHA1", "OFMarkInt=2048", "TargetAlias=spoof", "ImmediateData2=Yes"));
        assertEquals(Status.COMPLETE, step.status());
        Map<String, String> k = keys(step.response());
        assertEquals("NotUnderstood", k.get("X-com.example.Foo"));
        assertEquals("NotUnderstood", k.get("FancyKey"));
        assertEquals("NotUnderstood", k.get("ImmediateData2"));
        assertEquals("Reject", k.get("MaxBurstLength"));
        assertEquals("Reject", k.get("ImmediateData"));
        assertEquals("Reject", k.get("HeaderDigest"));
        assertEquals("Reject", k.get("OFMarkInt"));
        assertEquals("Reject", k.get("TargetAlias"));
        SessionParams p = step.result().params();
        assertEquals(262144, p.maxBurstLength(), "a rejected offer leaves the default in force");
        assertEquals(8192, p.maxXmitDataSegmentLength());
        assertFalse(p.headerDigest());
    }

    @Test
    void impossibleMaxRecvDataSegmentLengthDeclarationIsInitiatorError() {
        assertRefused(login.send(T | CSG_OPERATIONAL | NSG_FULL, openIscsi("MaxRecvDataSegmentLength=99999999")),
                0x0200);
    }

    @Test
    void digestListsAnswerTheFirstValueWeSupport() {
        LoginStep step = login.send(T | CSG_OPERATIONAL | NSG_FULL,
                openIscsi("HeaderDigest=CRC32C,None", "DataDigest=None,CRC32C"));
        Map<String, String> k = keys(step.response());
        assertEquals("CRC32C", k.get("HeaderDigest"));
        assertEquals("None", k.get("DataDigest"));
        assertTrue(step.result().params().headerDigest());
        assertFalse(step.result().params().dataDigest());
    }

    @Test
    void firstBurstLengthIsHeldUnderMaxBurstLength() {
        LoginStep step = login.send(T | CSG_OPERATIONAL | NSG_FULL,
                openIscsi("FirstBurstLength=262144", "MaxBurstLength=65536"));
        Map<String, String> k = keys(step.response());
        assertEquals("65536", k.get("MaxBurstLength"));
        assertEquals("65536", k.get("FirstBurstLength"));
        assertEquals(65536, step.result().params().firstBurstLength());
    }

    @Test
    void targetOffersWhatAMinimalInitiatorLeftOutAndTheInitiatorAnswers() {
        LoginStep offer = login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitiatorName=" + INITIATOR,
                "TargetName=" + TARGET);
        assertEquals(Status.CONTINUE, offer.status());
        assertFalse(transit(offer.response()), "offers need an answer, so the stage cannot end");
        Map<String, String> k = keys(offer.response());
        assertEquals("No", k.get("InitialR2T"));
        assertEquals("1048576", k.get("MaxBurstLength"));
        assertEquals("262144", k.get("FirstBurstLength"));
        assertEquals("8", k.get("MaxOutstandingR2T"));
        assertEquals("262144", k.get("MaxRecvDataSegmentLength"));
        assertFalse(k.containsKey("ImmediateData"), "Yes is already the default");

        LoginStep done = login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitialR2T=No", "MaxBurstLength=524288",
                "FirstBurstLength=262144", "MaxOutstandingR2T=4");
        assertEquals(Status.COMPLETE, done.status());
        assertTrue(keys(done.response()).isEmpty(), "answers to our offers are not answered again");
        SessionParams p = done.result().params();
        assertFalse(p.initialR2T());
        assertEquals(524288, p.maxBurstLength());
        assertEquals(262144, p.firstBurstLength());
        assertEquals(4, p.maxOutstandingR2T());
    }

    @Test
    void requestAfterCompletionIsRefused() {
        assertEquals(Status.COMPLETE, login.send(T | CSG_OPERATIONAL | NSG_FULL, OPEN_ISCSI).status());
        LoginStep again = login.send(T | CSG_OPERATIONAL | NSG_FULL, OPEN_ISCSI);
        assertEquals(Status.FAILED, again.status());
        assertEquals(0x0200, status(again.response()));
        assertEquals(1, login.admission.calls);
    }

    private void assertRefused(LoginStep step, int expectedStatus) {
        assertEquals(Status.FAILED, step.status());
        assertNull(step.result());
        Pdu rsp = step.response();
        assertEquals(IscsiOpcode.LOGIN_RESPONSE, rsp.opcode());
        assertEquals(expectedStatus, status(rsp), String.format("status 0x%04x", status(rsp)));
        assertFalse(transit(rsp));
        assertEquals(ITT, rsp.itt());
        assertEquals(ISID, rsp.u64(Bhs.Login.ISID) >>> 16);
        assertEquals(0, rsp.data().readableBytes());
        if (expectedStatus != 0x020a) {
            assertEquals(0, login.admission.calls, "a refused login is never admitted");
        }
    }
}
