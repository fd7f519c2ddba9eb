package io.github.roleprobe.guard;

import java.util.Arrays;

/**
 * The active request guards of this JVM (of the class loader that loaded role-probe): one per running verifier whose
 * guard is not off. The {@link RequestGuardInterceptor} of every AWS SDK client hands each request to all of them, so
 * several verifiers in one JVM (as in tests) each see every request. Thread-safe; reading is one volatile read.
 */
final class RequestGuards {

    private static final RequestGuard[] NONE = new RequestGuard[0];
    private static volatile RequestGuard[] active = NONE;

    private RequestGuards() {
    }

    static RequestGuard[] active() {
        return active;
    }

    static synchronized void register(RequestGuard guard) {
        for (RequestGuard g : active) {
            if (g == guard) {
                return;
            }
        }
        RequestGuard[] next = Arrays.copyOf(active, active.length + 1);
        next[next.length - 1] = guard;
        active = next;
    }

    static synchronized void unregister(RequestGuard guard) {
        RequestGuard[] next = Arrays.stream(active).filter(g -> g != guard).toArray(RequestGuard[]::new);
        active = next.length == 0 ? NONE : next;
    }
}
