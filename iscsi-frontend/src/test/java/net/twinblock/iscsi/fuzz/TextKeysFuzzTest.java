package net.twinblock.iscsi.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.Map;
import net.twinblock.iscsi.login.TextFormatException;
import net.twinblock.iscsi.login.TextKeys;

/**
 * The key=value text of Login and Text Requests: any bytes parse into keys or a
 * {@link TextFormatException} (a Reject or a login failure), and what parses encodes back to the
 * same keys.
 */
class TextKeysFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void anyTextIsKeysOrAFormatError(byte[] text) {
        List<Map.Entry<String, String>> keys;
        try {
            keys = TextKeys.decode(text);
        } catch (TextFormatException refused) {
            return;
        }
        ByteBuf encoded = TextKeys.encode(keys, UnpooledByteBufAllocator.DEFAULT);
        try {
            assertEquals(keys, TextKeys.decode(encoded));
        } finally {
            encoded.release();
        }
    }
}
