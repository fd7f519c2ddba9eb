package io.github.roleprobe.guard;

import java.time.Instant;

/**
 * One AWS SDK client as one request guard sees it: the service, the access key it last signed with and what is known
 * of that key, and, once it signed with a wrong identity, that wrong identity until it signs with a permitted one.
 * Every SDK client has its own {@link RequestGuardInterceptor} instance, so one interceptor is one client.
 * Thread-safe: the key and last-seen fields are volatile; the wrong-identity fields change under this object's lock.
 */
final class GuardedClient {

    final long id;
    final RequestGuard guard;
    final ServiceCounters counters;
    volatile KeyView key;
    volatile long lastSeenMillis;
    /** The operation of the first request signed with {@link #key}. */
    volatile String keyOperation;
    /** The key of the first wrong identity seen since the last permitted one, else {@code null}. Guarded by this. */
    KeyView wrongKey;
    /** The operation of that request. Guarded by this. */
    String wrongOperation;
    /** When that request was seen. Guarded by this. */
    Instant wrongSince;

    GuardedClient(long id, RequestGuard guard, ServiceCounters counters) {
        this.id = id;
        this.guard = guard;
        this.counters = counters;
    }

    String service() {
        return counters.service();
    }

    synchronized boolean wrong() {
        return wrongKey != null;
    }
}
