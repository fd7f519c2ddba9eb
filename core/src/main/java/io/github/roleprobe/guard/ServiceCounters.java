package io.github.roleprobe.guard;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts of the requests of one AWS service that the request guard saw, by {@link RequestIdentity} and whether
 * the request was sent or refused (enforce mode). Read by metrics without locks. Thread-safe.
 */
public final class ServiceCounters {

    private static final RequestIdentity[] IDENTITIES = RequestIdentity.values();

    private final String service;
    private final AtomicLongArray counts = new AtomicLongArray(IDENTITIES.length * 2);

    ServiceCounters(String service) {
        this.service = service;
    }

    /**
     * @return the service as the SDK names it in {@code SdkExecutionAttribute.SERVICE_NAME}, lower-cased, for
     *     example {@code sts}, {@code sqs}, {@code s3}: bounded by the SDK service modules in the application
     */
    public String service() {
        return service;
    }

    /**
     * @param identity the identity that signed the requests
     * @param refused {@code true} for requests refused before they were sent (enforce mode)
     * @return the number of such requests since the guard started
     */
    public long count(RequestIdentity identity, boolean refused) {
        return counts.get(slot(identity, refused));
    }

    void increment(RequestIdentity identity, boolean refused) {
        counts.incrementAndGet(slot(identity, refused));
    }

    private static int slot(RequestIdentity identity, boolean refused) {
        return identity.ordinal() * 2 + (refused ? 1 : 0);
    }

    static String tag(String serviceName) {
        return serviceName == null || serviceName.isBlank() ? "unknown" : serviceName.toLowerCase(Locale.ROOT);
    }
}
