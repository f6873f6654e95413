package net.twinblock.mirror.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.embedded.EmbeddedChannel;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.link.PeerFrameDecoder;
import net.twinblock.mirror.link.PeerFrameException;
import net.twinblock.mirror.link.WakeupCounter;
import net.twinblock.mirror.link.WriteAssembler;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the peer link's receiving side makes of any bytes (a broken or hostile peer, or a port
 * scanner on mirror.listen): the frame decoder and the large-write assembler behind it yield
 * messages or a {@link PeerFrameException} (the link is dropped), never another exception, and
 * release every buffer (LeakGuard). Seeds: real frames in {@code PeerFrameFuzzTestInputs}.
 */
@ExtendWith(LeakGuard.class)
class PeerFrameFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void anyBytesAreFramesOrAFrameError(FuzzedDataProvider in) {
        Fuzzing.feed(new EmbeddedChannel(new PeerFrameDecoder(), new WriteAssembler(new WakeupCounter(), 64 * 1024, 4)),
                in, PeerFrameException.class, m -> { });
    }
}
