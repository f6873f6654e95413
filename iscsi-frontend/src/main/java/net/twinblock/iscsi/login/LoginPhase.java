package net.twinblock.iscsi.login;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;

/**
 * The login phase of one connection (RFC 7143 §6.3, §11.12-11.13): takes Login Requests one at a
 * time and builds each Login Response. Stages run security (0) -> operational (1) -> full
 * feature (3), either of the first two may be skipped by the initiator; security may not be
 * skipped when a normal session needs CHAP.
 *
 * <p>It never touches the pipeline: the session layer writes the response and, on COMPLETE,
 * applies {@link LoginResult#params()} (digests, segment limits). One instance per connection,
 * used from that connection's event loop only. Nothing here blocks.
 */
public final class LoginPhase {

    private static final System.Logger LOG = System.getLogger(LoginPhase.class.getName());
    /** Login text gathered over C-bit PDUs beyond this is refused: no legal login comes close. */
    static final int MAX_LOGIN_TEXT = 64 * 1024;

    private final IscsiTargetConfig cfg;
    private final SessionAdmission admission;
    private final String remoteAddress;
    private final SecureRandom random;
    private final OperationalNegotiation negotiation;
    private final LoginIdentity identity = new LoginIdentity();
    /** Text of a request split over several PDUs with the C bit, gathered until the last one. */
    private final ByteArrayOutputStream pendingText = new ByteArrayOutputStream();
    private ChapAuthenticator chap;

    private boolean started;
    private boolean finished;
    private boolean introduced;
    private LoginStage stage;
    private long isid;
    private int tsihFromInitiator;
    private int cid;
    private int cmdSn;
    private int statSn;

    public LoginPhase(IscsiTargetConfig cfg, SessionAdmission admission, String remoteAddress) {
        this(cfg, admission, remoteAddress, new SecureRandom());
    }

    LoginPhase(IscsiTargetConfig cfg, SessionAdmission admission, String remoteAddress, SecureRandom random) {
        this.cfg = cfg;
        this.admission = admission;
        this.remoteAddress = remoteAddress;
        this.random = random;
        this.negotiation = new OperationalNegotiation(cfg);
    }

    /**
     * Processes one Login Request. Does not release {@code request}; the returned response is a
     * new PDU the caller owns.
     */
    public LoginStep onLoginRequest(Pdu request, ByteBufAllocator alloc) {
        if (finished) {
            return refuse(request, alloc, LoginStatus.INITIATOR_ERROR, "login request after the login ended");
        }
        try {
            return step(request, alloc);
        } catch (LoginException e) {
            return refuse(request, alloc, e.status(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "login from " + remoteAddress + " failed inside the target", e);
            return refuse(request, alloc, LoginStatus.TARGET_ERROR, "target error: " + e);
        }
    }

    private LoginStep step(Pdu request, ByteBufAllocator alloc) throws LoginException {
        if (request.opcode() != IscsiOpcode.LOGIN_REQUEST) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, "expected a Login Request, got " + request);
        }
        int flags = request.flags();
        boolean transit = (flags & Bhs.Login.FLAG_TRANSIT) != 0;
        boolean more = (flags & Bhs.Login.FLAG_CONTINUE) != 0;
        LoginStage csg = LoginStage.of((flags & Bhs.Login.CSG_MASK) >> Bhs.Login.CSG_SHIFT);
        if (!started) {
            start(request, csg);
        } else {
            if (isidOf(request) != isid || request.u16(Bhs.Login.TSIH) != tsihFromInitiator) {
                throw new LoginException(LoginStatus.INITIATOR_ERROR, "ISID or TSIH changed during login");
            }
            if (csg != stage) {
                throw new LoginException(LoginStatus.INVALID_DURING_LOGIN,
                        "request for stage " + csg + " while the login is in stage " + stage);
            }
        }
        if (transit && more) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, "T and C bits both set");
        }
        LoginStage nsg = null;
        if (transit) {
            nsg = LoginStage.of(flags & Bhs.Login.NSG_MASK);
            if (nsg == null || nsg.code() <= csg.code()) {
                throw new LoginException(LoginStatus.INVALID_DURING_LOGIN,
                        "cannot move from stage " + csg + " to stage " + (flags & Bhs.Login.NSG_MASK));
            }
        }
        ByteBuf data = request.data();
        if (pendingText.size() + data.readableBytes() > MAX_LOGIN_TEXT) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, "login text longer than " + MAX_LOGIN_TEXT + " bytes");
        }
        // Login text is small and rare: a copy keeps ownership simple (the request stays the
        // caller's to release, nothing of it outlives this call).
        pendingText.writeBytes(ByteBufUtil.getBytes(data));
        if (more) {
            // §6.3: a request continued with the C bit is answered with an empty response.
            return new LoginStep(response(request, alloc, List.of(), false, null, tsihFromInitiator,
                    LoginStatus.SUCCESS), LoginStep.Status.CONTINUE, null);
        }
        List<Map.Entry<String, String>> answers = negotiate(takeText());

        boolean respondTransit = false;
        if (stage == LoginStage.SECURITY) {
            if (transit) {
                if (chap.satisfied()) {
                    respondTransit = true;
                } else if (!chap.inProgress()) {
                    throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE,
                            "CHAP is required but the initiator tried to leave the security stage without it");
                }
                // else: CHAP needs more round trips; answer T=0 and stay.
            }
        } else {
            if (!negotiation.declared()) {
                answers.add(negotiation.declaration());
            }
            if (transit) {
                List<Map.Entry<String, String>> offers = negotiation.offers(identity.type());
                if (offers.isEmpty()) {
                    respondTransit = true;
                } else {
                    // The initiator must answer these, so this stage cannot end yet (§11.13.1).
                    answers.addAll(offers);
                }
            }
        }
        if (!introduced) {
            introduced = true;
            if (identity.type() == SessionType.NORMAL) {
                // §13.9: the portal group tag goes in the first Login Response of a normal session.
                List<Map.Entry<String, String>> intro = new ArrayList<>();
                if (cfg.targetAlias() != null) {
                    intro.add(Map.entry(LoginKey.TARGET_ALIAS.wireName(), cfg.targetAlias()));
                }
                intro.add(Map.entry(LoginKey.TARGET_PORTAL_GROUP_TAG.wireName(),
                        Integer.toString(cfg.portalGroupTag())));
                answers.addAll(0, intro);
            }
        }

        if (respondTransit && nsg == LoginStage.FULL_FEATURE) {
            return complete(request, alloc, answers);
        }
        Pdu rsp = response(request, alloc, answers, respondTransit, nsg, tsihFromInitiator, LoginStatus.SUCCESS);
        if (respondTransit) {
            stage = nsg;
        }
        return new LoginStep(rsp, LoginStep.Status.CONTINUE, null);
    }

    private void start(Pdu request, LoginStage csg) throws LoginException {
        started = true;
        isid = isidOf(request);
        tsihFromInitiator = request.u16(Bhs.Login.TSIH);
        cid = request.u16(Bhs.Login.CID);
        // The login's CmdSN is the session's first; responses to the first request start the
        // connection's StatSN, which we take from the initiator's ExpStatSN (any value is legal).
        cmdSn = request.u32(Bhs.Login.CMD_SN);
        statSn = request.u32(Bhs.Login.EXP_STAT_SN);
        int versionMax = request.u8(Bhs.Login.VERSION_MAX);
        int versionMin = request.u8(Bhs.Login.VERSION_MIN_OR_ACTIVE);
        if (versionMin > 0 || versionMax < versionMin) {
            throw new LoginException(LoginStatus.UNSUPPORTED_VERSION, "initiator speaks iSCSI versions "
                    + versionMin + ".." + versionMax + ", this target only 0");
        }
        if (csg != LoginStage.SECURITY && csg != LoginStage.OPERATIONAL) {
            throw new LoginException(LoginStatus.INVALID_DURING_LOGIN, "a login cannot start in stage " + csg);
        }
        stage = csg;
    }

    private byte[] takeText() {
        byte[] text = pendingText.toByteArray();
        pendingText.reset();
        return text;
    }

    /** Routes each key of one complete request to its owner and gathers the answers. */
    private List<Map.Entry<String, String>> negotiate(byte[] text) throws LoginException {
        List<Map.Entry<String, String>> entries;
        try {
            entries = TextKeys.decode(text);
        } catch (TextFormatException e) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, "malformed login text: " + e.getMessage());
        }
        String dup = TextKeys.firstDuplicate(entries).orElse(null);
        if (dup != null) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, "key " + dup + " sent twice in one request");
        }
        List<Map.Entry<LoginKey, String>> ids = new ArrayList<>();
        Map<LoginKey, String> security = new LinkedHashMap<>();
        List<Map.Entry<LoginKey, String>> operational = new ArrayList<>();
        List<Map.Entry<String, String>> answers = new ArrayList<>();
        for (Map.Entry<String, String> e : entries) {
            LoginKey key = LoginKey.of(e.getKey());
            if (key == null) {
                // §6.2: X- and X# extensions and keys we do not know.
                answers.add(Map.entry(e.getKey(), KeyNegotiation.NOT_UNDERSTOOD));
            } else if (key.usage() == KeyUsage.FFPO) {
                answers.add(Map.entry(e.getKey(), KeyNegotiation.REJECT));
            } else if (key.scope() == KeyScope.IDENTITY) {
                ids.add(Map.entry(key, e.getValue()));
            } else if (key.scope() == KeyScope.SECURITY) {
                security.put(key, e.getValue());
            } else {
                operational.add(Map.entry(key, e.getValue()));
            }
        }
        answers.addAll(identity.declare(ids));
        if (!identity.checked()) {
            identity.check(cfg);
            boolean normal = identity.type() == SessionType.NORMAL;
            String initiator = identity.initiatorName();
            if (normal && !cfg.access().allows(initiator)) {
                throw new LoginException(LoginStatus.AUTHORIZATION_FAILURE,
                        "initiator " + initiator + " is not in the target's access list (iscsi.acl)");
            }
            chap = new ChapAuthenticator(cfg.access().chapFor(initiator, cfg.chap()),
                    normal || cfg.access().discoveryChap(), cfg.access().chapAlgorithms(), random);
        }
        if (!security.isEmpty()) {
            if (stage != LoginStage.SECURITY) {
                throw new LoginException(LoginStatus.INITIATOR_ERROR,
                        "security keys " + security.keySet() + " outside the security stage");
            }
            answers.addAll(chap.respond(security, identity.initiatorName()));
        }
        if (stage == LoginStage.OPERATIONAL && !chap.satisfied()) {
            throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE,
                    "CHAP is required but the initiator skipped the security stage");
        }
        answers.addAll(negotiation.respond(operational, identity.type()));
        return answers;
    }

    private LoginStep complete(Pdu request, ByteBufAllocator alloc, List<Map.Entry<String, String>> answers)
            throws LoginException {
        SessionType type = identity.type();
        int tsih;
        try {
            tsih = admission.admit(identity.initiatorName(), isid, tsihFromInitiator, type, chap.provenName());
        } catch (RuntimeException e) {
            throw new LoginException(LoginStatus.TARGET_ERROR, "session admission failed: " + e);
        }
        if (tsih == SessionAdmission.NO_SUCH_SESSION) {
            throw new LoginException(LoginStatus.SESSION_DOES_NOT_EXIST,
                    "TSIH " + tsihFromInitiator + " names no live session");
        }
        if (tsih == SessionAdmission.FOREIGN_IDENTITY) {
            throw new LoginException(LoginStatus.AUTHORIZATION_FAILURE, "ISID " + String.format("%012x", isid)
                    + " of " + identity.initiatorName() + " belongs to a session of another identity");
        }
        if (tsih == SessionAdmission.TOO_MANY_SESSIONS) {
            throw new LoginException(LoginStatus.OUT_OF_RESOURCES, identity.initiatorName()
                    + " already has as many sessions as it may (iscsi.max-sessions-per-initiator)");
        }
        if (tsih <= 0 || tsih > 0xffff) {
            throw new LoginException(LoginStatus.TARGET_ERROR, "session admission returned TSIH " + tsih);
        }
        Pdu rsp = response(request, alloc, answers, true, LoginStage.FULL_FEATURE, tsih, LoginStatus.SUCCESS);
        finished = true;
        LoginResult result = new LoginResult(type, identity.initiatorName(), identity.initiatorAlias(), isid, tsih,
                cid, negotiation.params(type), cmdSn, statSn, false);
        LOG.log(System.Logger.Level.INFO, "login from {0} ({1}) to {2}: accepted, {3} session, TSIH {4}",
                identity.initiatorName(), remoteAddress, targetForLog(), type.name().toLowerCase(), Integer.toString(tsih));
        return new LoginStep(rsp, LoginStep.Status.COMPLETE, result);
    }

    private LoginStep refuse(Pdu request, ByteBufAllocator alloc, LoginStatus status, String reason) {
        finished = true;
        if (!started) {
            cmdSn = request.u32(Bhs.Login.CMD_SN);
            statSn = request.u32(Bhs.Login.EXP_STAT_SN);
        }
        LOG.log(System.Logger.Level.WARNING, "login from {0} ({1}) to {2}: refused: {3} (status 0x{4})",
                identity.initiatorName() == null ? "unnamed initiator" : identity.initiatorName(), remoteAddress,
                targetForLog(), reason, String.format("%04x", status.code()));
        Pdu rsp = response(request, alloc, List.of(), false, null, request.u16(Bhs.Login.TSIH), status);
        return new LoginStep(rsp, LoginStep.Status.FAILED, null);
    }

    private String targetForLog() {
        if (identity.type() == SessionType.DISCOVERY) {
            return "discovery";
        }
        return identity.targetName() == null ? cfg.targetName() : identity.targetName();
    }

    /** Builds one Login Response; each one takes the next StatSN. */
    private Pdu response(Pdu request, ByteBufAllocator alloc, List<Map.Entry<String, String>> text,
                         boolean transit, LoginStage nsg, int tsih, LoginStatus status) {
        ByteBuf data = text.isEmpty() ? Unpooled.EMPTY_BUFFER : TextKeys.encode(text, alloc);
        Pdu rsp;
        try {
            rsp = Pdu.create(alloc, IscsiOpcode.LOGIN_RESPONSE, data); // rsp owns data from here on
        } catch (RuntimeException e) {
            data.release();
            throw e;
        }
        int csgBits = request.flags() & Bhs.Login.CSG_MASK;
        rsp.setFlags((transit ? Bhs.Login.FLAG_TRANSIT | nsg.code() : 0) | csgBits);
        rsp.u8(Bhs.Login.VERSION_MAX, 0);
        rsp.u8(Bhs.Login.VERSION_MIN_OR_ACTIVE, 0);
        rsp.u24(Pdu.OFF_DATA_SEGMENT_LENGTH, data.readableBytes());
        long requestIsid = isidOf(request);
        rsp.u32(Bhs.Login.ISID, (int) (requestIsid >>> 16));
        rsp.u16(Bhs.Login.ISID + 4, (int) requestIsid);
        rsp.u16(Bhs.Login.TSIH, tsih);
        rsp.setItt(request.itt());
        rsp.u32(Bhs.Login.STAT_SN, statSn++);
        rsp.u32(Bhs.Login.EXP_CMD_SN, cmdSn);
        rsp.u32(Bhs.Login.MAX_CMD_SN, cmdSn + Math.max(1, cfg.commandWindow()) - 1);
        rsp.u8(Bhs.Login.STATUS_CLASS, status.statusClass());
        rsp.u8(Bhs.Login.STATUS_DETAIL, status.detail());
        return rsp;
    }

    private static long isidOf(Pdu request) {
        return request.u64(Bhs.Login.ISID) >>> 16;
    }
}
