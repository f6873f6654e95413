package net.twinblock.mirror.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.embedded.EmbeddedChannel;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.witness.WitnessFrameDecoder;
import net.twinblock.mirror.witness.WitnessFrameException;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a witness (or a node, reading the witness's replies) makes of any bytes on its port:
 * frames, or a {@link WitnessFrameException} that ends the connection, never another exception.
 */
@ExtendWith(LeakGuard.class)
class WitnessFrameFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void anyBytesAreWitnessFramesOrAFrameError(FuzzedDataProvider in) {
        Fuzzing.feed(new EmbeddedChannel(new WitnessFrameDecoder()), in, WitnessFrameException.class, m -> { });
    }
}
