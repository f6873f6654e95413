package net.twinblock.iscsi.login;

import static net.twinblock.iscsi.login.LoginExchange.CSG_OPERATIONAL;
import static net.twinblock.iscsi.login.LoginExchange.CSG_SECURITY;
import static net.twinblock.iscsi.login.LoginExchange.INITIATOR;
import static net.twinblock.iscsi.login.LoginExchange.NSG_FULL;
import static net.twinblock.iscsi.login.LoginExchange.NSG_OPERATIONAL;
import static net.twinblock.iscsi.login.LoginExchange.T;
import static net.twinblock.iscsi.login.LoginExchange.TARGET;
import static net.twinblock.iscsi.login.LoginExchange.keys;
import static net.twinblock.iscsi.login.LoginExchange.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import net.twinblock.iscsi.config.AccessControl;
import net.twinblock.iscsi.config.ChapConfig;
import net.twinblock.iscsi.config.InitiatorAcl;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import org.junit.jupiter.api.Test;

/** iscsi.acl: who may log in, with whose CHAP credentials, and who learns of the target. */
class AccessControlTest {

    private static final String OTHER = "iqn.2026-11.test:stranger";
    private static final ChapConfig HOST_CHAP = new ChapConfig("host1", "host1-secret-1234", null, null);

    private static IscsiTargetConfig config(AccessControl access) {
        IscsiTargetConfig d = LoginExchange.config(ChapConfig.NONE);
        return new IscsiTargetConfig(d.targetName(), null, d.portals(), 1, d.chap(), d.luns(),
                d.maxRecvDataSegmentLength(), d.firstBurstLength(), d.maxBurstLength(), d.maxOutstandingR2T(),
                d.commandWindow(), d.nopInterval(), d.nopTimeout(), d.loginTimeout(), access);
    }

    private static final AccessControl ONLY_HOST1 = new AccessControl(
            List.of(new InitiatorAcl(INITIATOR, ChapConfig.NONE)), false);

    @Test
    void anInitiatorNotInTheListGetsAuthorizationFailure() {
        try (LoginExchange login = new LoginExchange(config(ONLY_HOST1))) {
            LoginStep step = login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitiatorName=" + OTHER,
                    "TargetName=" + TARGET, "SessionType=Normal");
            assertEquals(LoginStep.Status.FAILED, step.status());
            assertEquals(LoginStatus.AUTHORIZATION_FAILURE.code(), status(step.response()));
            assertEquals(0, login.admission.calls, "no session was admitted, none reinstated");
        }
    }

    @Test
    void aListedInitiatorLogsInWhateverTheCaseOfItsName() {
        try (LoginExchange login = new LoginExchange(config(ONLY_HOST1))) {
            LoginStep step = login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitiatorName=" + INITIATOR.toUpperCase(),
                    "TargetName=" + TARGET, "SessionType=Normal");
            assertEquals(LoginStatus.SUCCESS.code(), status(step.response()));
        }
    }

    @Test
    void anEntryWithItsOwnChapCredentialsMustUseThem() {
        AccessControl acl = new AccessControl(List.of(new InitiatorAcl(INITIATOR, HOST_CHAP)), false);
        try (LoginExchange login = new LoginExchange(config(acl))) {
            LoginStep step = login.send(T | CSG_OPERATIONAL | NSG_FULL, "InitiatorName=" + INITIATOR,
                    "TargetName=" + TARGET, "SessionType=Normal");
            assertEquals(LoginStatus.AUTHENTICATION_FAILURE.code(), status(step.response()),
                    "skipping the security stage is refused");
        }
    }

    @Test
    void discoveryMayRequireChap() {
        AccessControl acl = new AccessControl(List.of(new InitiatorAcl(INITIATOR, HOST_CHAP)), true);
        try (LoginExchange login = new LoginExchange(config(acl))) {
            LoginStep offer = login.send(CSG_SECURITY, "InitiatorName=" + INITIATOR, "SessionType=Discovery",
                    "AuthMethod=None,CHAP");
            assertEquals("CHAP", keys(offer.response()).get("AuthMethod"));
        }
        try (LoginExchange login = new LoginExchange(config(acl))) {
            LoginStep none = login.send(T | CSG_SECURITY | NSG_OPERATIONAL, "InitiatorName=" + INITIATOR,
                    "SessionType=Discovery", "AuthMethod=None");
            assertEquals(LoginStatus.AUTHENTICATION_FAILURE.code(), status(none.response()));
        }
    }

    @Test
    void sendTargetsShowsTheTargetOnlyToListedInitiators() {
        IscsiTargetConfig cfg = config(ONLY_HOST1);
        List<Map.Entry<String, String>> all = List.of(Map.entry("SendTargets", "All"));
        assertEquals(List.of(), TextNegotiation.respond(all, SessionType.DISCOVERY, null, cfg, null, OTHER));
        assertEquals(Map.entry("TargetName", TARGET),
                TextNegotiation.respond(all, SessionType.DISCOVERY, null, cfg, null, INITIATOR).get(0));
    }
}
