package io.github.roleprobe.guard;

import io.github.roleprobe.credentials.CredentialSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests signed with instance-profile credentials (IMDS) while no request guard is active yet: an application that
 * warms up a client while its context starts (a constructor, an init method) may do so before the verifier exists.
 * Such a request can be judged later without its secret: with EKS Pod Identity or IRSA environment present it is the
 * node role. The first guard to activate adopts them ({@link #drain()}), and a closing verifier forgets them. Only the
 * access key id, source, service and operation are kept, never a secret; at most {@value #MAX} clients. Thread-safe.
 */
final class EarlyRequests {

    static final int MAX = 64;

    /**
     * One client's first request signed with instance-profile credentials.
     *
     * @param clientId the client's interceptor id
     * @param service the service tag
     * @param operation the operation
     * @param accessKeyId the signing access key id
     * @param seenAt when it was seen (system clock)
     */
    record Early(long clientId, String service, String operation, String accessKeyId, Instant seenAt) {
    }

    private static final Map<Long, Early> EARLY = new LinkedHashMap<>(); // guarded by EARLY
    private static final Map<String, CredentialSource> SOURCES = new ConcurrentHashMap<>();

    private EarlyRequests() {
    }

    static void record(long clientId, Optional<String> providerName, String accessKeyId, String service,
            String operation) {
        if (providerName.isEmpty()) {
            return;
        }
        CredentialSource source = SOURCES.computeIfAbsent(providerName.get(),
                n -> CredentialSource.fromProviderName(Optional.of(n)));
        if (source != CredentialSource.INSTANCE_PROFILE) {
            return;
        }
        synchronized (EARLY) {
            if (EARLY.containsKey(clientId) || EARLY.size() >= MAX) {
                return;
            }
            EARLY.put(clientId, new Early(clientId, ServiceCounters.tag(service), operation, accessKeyId,
                    Instant.now()));
        }
    }

    static List<Early> drain() {
        synchronized (EARLY) {
            List<Early> all = new ArrayList<>(EARLY.values());
            EARLY.clear();
            return all;
        }
    }

    static void forget() {
        synchronized (EARLY) {
            EARLY.clear();
        }
    }
}
