package net.twinblock.server.admin;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One admin endpoint. It runs on the admin connection's event loop, so it must not block:
 * long actions (verify, resync) start work elsewhere and complete the future later.
 */
@FunctionalInterface
public interface AdminEndpoint {

    CompletableFuture<AdminReply> handle(AdminRequest request);

    /** An endpoint that answers at once (status, metrics). */
    static AdminEndpoint immediate(Function<AdminRequest, AdminReply> f) {
        return request -> CompletableFuture.completedFuture(f.apply(request));
    }
}
