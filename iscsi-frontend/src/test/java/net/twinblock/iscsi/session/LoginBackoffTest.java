package net.twinblock.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.twinblock.iscsi.config.AccessControl;
import net.twinblock.iscsi.config.ChapConfig;
import net.twinblock.iscsi.config.InitiatorAcl;
import net.twinblock.iscsi.config.IscsiTargetConfig;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.pdu.PduDecoder;
import net.twinblock.iscsi.pdu.PduEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The delay after failed logins: first {@link LoginBackoff} on its own with a clock of our own,
 * then through {@link LoginHandler} on embedded channels that share one mock clock, so "held for
 * a second" is checked without waiting one.
 */
class LoginBackoffTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final String ALLOWED = "iqn.2026-11.test:allowed";
    private static final String STRANGER = "iqn.2026-11.test:stranger";

    private final MockTicker clock = Ticker.newMockTicker();
    private final LoginBackoff backoff = new LoginBackoff();
    private final SessionRegistry registry = new SessionRegistry();
    private final DiskExecutor disk = new DiskExecutor();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
        disk.close();
    }

    @Test
    void theDelayDoublesFromOneSecondToItsCapAndASuccessResetsIt() {
        long now = 0;
        long[] expected = {1, 2, 4, 8, 8};
        for (long seconds : expected) {
            assertEquals(seconds * SECOND, backoff.failed("10.0.0.1", now));
            now += seconds * SECOND; // each try waits its answer out
            assertEquals(0, backoff.delayNanos("10.0.0.1", now));
        }
        assertEquals(0, backoff.delayNanos("10.0.0.2", now), "another address is not delayed");
        backoff.succeeded("10.0.0.1");
        assertEquals(SECOND, backoff.failed("10.0.0.1", now));
    }

    @Test
    void aFailureMeanwhileNeverShortensTheWait() {
        assertEquals(SECOND, backoff.failed("10.0.0.1", 0));
        assertEquals(2 * SECOND, backoff.failed("10.0.0.1", 0));
        assertEquals(2 * SECOND - SECOND / 2, backoff.delayNanos("10.0.0.1", SECOND / 2));
    }

    @Test
    void theTableOfSourcesIsBounded() {
        for (int i = 0; i <= LoginBackoff.MAX_SOURCES; i++) {
            backoff.failed("source-" + i, 0);
        }
        assertEquals(0, backoff.failures("source-0"), "the least recently seen source was forgotten");
        assertEquals(1, backoff.failures("source-" + LoginBackoff.MAX_SOURCES));
    }

    @Test
    void aRefusedInitiatorGetsItsAnswerOnlyAfterTheDelay() {
        EmbeddedChannel first = connect();
        first.writeInbound(login(STRANGER));
        assertNull(first.readOutbound(), "the refusal is held back");
        assertTrue(first.isActive());
        advance(first, SECOND - 1);
        assertNull(first.readOutbound());
        advance(first, 1);
        assertEquals(0x0202, status(first.readOutbound()));
        assertFalse(first.isActive(), "closed after the refusal");

        EmbeddedChannel second = connect();
        second.writeInbound(login(STRANGER));
        advance(second, 2 * SECOND - 1);
        assertNull(second.readOutbound(), "the second failure in a row waits two seconds");
        advance(second, 1);
        assertEquals(0x0202, status(second.readOutbound()));
    }

    @Test
    void aSuccessWaitsToo_thenStartsTheSourceAfresh() {
        EmbeddedChannel refused = connect();
        refused.writeInbound(login(STRANGER));
        EmbeddedChannel allowed = connect();
        allowed.writeInbound(login(ALLOWED));
        assertNull(allowed.readOutbound(), "a success is no faster than a refusal");
        advance(allowed, SECOND);
        assertEquals(0x0000, status(allowed.readOutbound()));
        assertEquals(1, registry.infos().size(), "the allowed host has its session");

        EmbeddedChannel again = connect();
        again.writeInbound(login(STRANGER));
        advance(again, SECOND);
        assertEquals(0x0202, status(again.readOutbound()), "one second again: the success reset the count");
        advance(refused, 0);
        assertEquals(0x0202, status(refused.readOutbound()));
    }

    @Test
    void aPduWhileTheAnswerIsHeldClosesTheConnection() {
        EmbeddedChannel ch = connect();
        ch.writeInbound(login(STRANGER));
        ch.writeInbound(login(STRANGER));
        assertFalse(ch.isActive(), "the initiator did not wait for the Login Response");
        advance(ch, 10 * SECOND);
        assertNull(ch.readOutbound(), "the held answer was dropped (and released) with the connection");
    }

    private EmbeddedChannel connect() {
        IscsiTargetConfig d = TargetHarness.config(java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(30),
                java.time.Duration.ofSeconds(30));
        IscsiTargetConfig cfg = new IscsiTargetConfig(d.targetName(), null, d.portals(), 1, ChapConfig.NONE,
                d.luns(), d.maxRecvDataSegmentLength(), d.firstBurstLength(), d.maxBurstLength(),
                d.maxOutstandingR2T(), d.commandWindow(), d.nopInterval(), d.nopTimeout(), d.loginTimeout(),
                new AccessControl(List.of(new InitiatorAcl(ALLOWED, ChapConfig.NONE)), false));
        EmbeddedChannel ch = EmbeddedChannel.builder().ticker(clock)
                .handlers(new PduDecoder(), new PduEncoder(), new LoginHandler(cfg, disk, registry, backoff))
                .build();
        channels.add(ch);
        return ch;
    }

    private void advance(EmbeddedChannel ch, long nanos) {
        clock.advance(nanos, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
    }

    /** A one-PDU login straight to full feature, as open-iscsi sends without CHAP. */
    private static Pdu login(String initiator) {
        StringBuilder text = new StringBuilder();
        TestInitiator.normalKeys(initiator).forEach((k, v) -> text.append(k).append('=').append(v).append('\0'));
        ByteBuf data = Unpooled.wrappedBuffer(text.toString().getBytes(StandardCharsets.UTF_8));
        Pdu req = Pdu.create(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, IscsiOpcode.LOGIN_REQUEST, data);
        req.setImmediate(true);
        req.setFlags(Bhs.Login.FLAG_TRANSIT | (1 << Bhs.Login.CSG_SHIFT) | 3);
        req.u24(Pdu.OFF_DATA_SEGMENT_LENGTH, data.readableBytes());
        req.u16(Bhs.Login.ISID, 0x8000);
        req.setItt(1);
        return req;
    }

    /** Status class and detail of an encoded Login Response; releases it. */
    private static int status(Object encoded) {
        assertNotNull(encoded, "a Login Response was written");
        ByteBuf b = (ByteBuf) encoded;
        try {
            assertEquals(0x23, b.getUnsignedByte(b.readerIndex()) & 0x3f, "a Login Response");
            return b.getUnsignedByte(b.readerIndex() + Bhs.Login.STATUS_CLASS) << 8
                    | b.getUnsignedByte(b.readerIndex() + Bhs.Login.STATUS_DETAIL);
        } finally {
            b.release();
        }
    }
}
