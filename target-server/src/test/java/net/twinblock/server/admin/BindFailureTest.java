package net.twinblock.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.BindException;
import org.junit.jupiter.api.Test;

class BindFailureTest {

    @Test
    void theOperatingSystemsWordsAreKeptAndNettysPrefixesDropped() {
        assertEquals("Address already in use", BindFailure.reason(
                new IOException("bind(..) failed with error(-98): Address already in use")));
        assertEquals("Address already in use", BindFailure.reason(
                new IllegalStateException("wrapper", new IOException("bind(..) failed: Address already in use"))));
        assertEquals("Cannot assign requested address", BindFailure.reason(
                new BindException("Cannot assign requested address")));
        assertEquals("BindException", BindFailure.reason(new BindException()));
    }
}
