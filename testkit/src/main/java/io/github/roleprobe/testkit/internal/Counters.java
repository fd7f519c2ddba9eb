package io.github.roleprobe.testkit.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The simulator's request counters, written by the endpoint handlers. Thread-safe. */
public final class Counters {

    /** STS {@code GetCallerIdentity} requests received, failed ones included. */
    public final AtomicLong stsGetCallerIdentity = new AtomicLong();
    /** STS {@code AssumeRoleWithWebIdentity} requests received, failed ones included. */
    public final AtomicLong stsAssumeRoleWithWebIdentity = new AtomicLong();
    /** Requests of any kind received by STS. */
    public final AtomicLong stsRequests = new AtomicLong();
    /** Requests received by the Pod Identity agent, failed ones included. */
    public final AtomicLong agentRequests = new AtomicLong();
    /** IMDS requests for a role's credential document. */
    public final AtomicLong imdsCredentialRequests = new AtomicLong();
    /** IMDS requests of any kind (token, role list, credentials, other metadata). */
    public final AtomicLong imdsRequests = new AtomicLong();

    /** Requests of any kind received by SQS. */
    public final AtomicLong sqsRequests = new AtomicLong();
    /** SQS requests answered with an error (authentication, unknown operation or queue, bad input). */
    public final AtomicLong sqsRejected = new AtomicLong();

    private final Map<String, AtomicLong> sqsByCaller = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> getCallerIdentityByAppId = new ConcurrentHashMap<>();
    private static final java.util.regex.Pattern APP_ID = java.util.regex.Pattern.compile("(?:^| )app/([^ ]+)");

    /**
     * Counts one STS {@code GetCallerIdentity} request, also by the application id in its {@code User-Agent}
     * ({@code app/<id>}, which AWS SDKs add for {@code ClientOverrideConfiguration.appId} or {@code AWS_SDK_UA_APP_ID}).
     *
     * @param userAgent the request's {@code User-Agent} header, or null
     */
    public void stsGetCallerIdentity(String userAgent) {
        stsGetCallerIdentity.incrementAndGet();
        if (userAgent != null) {
            java.util.regex.Matcher m = APP_ID.matcher(userAgent);
            if (m.find()) {
                getCallerIdentityByAppId.computeIfAbsent(m.group(1), k -> new AtomicLong()).incrementAndGet();
            }
        }
    }

    /**
     * @param appId an application id
     * @return {@code GetCallerIdentity} requests whose {@code User-Agent} named it
     */
    public long stsGetCallerIdentityByAppId(String appId) {
        AtomicLong n = getCallerIdentityByAppId.get(appId);
        return n == null ? 0 : n.get();
    }
    private final AtomicInteger stsInFlight = new AtomicInteger();
    private final AtomicInteger maxStsInFlight = new AtomicInteger();

    /**
     * Counts one SQS request.
     *
     * @param callerArn the caller ARN of the credentials that signed it, or null if it names no key
     *                  the simulator issued (or is not signed)
     */
    public void sqsRequest(String callerArn) {
        sqsRequests.incrementAndGet();
        if (callerArn != null) {
            sqsByCaller.computeIfAbsent(callerArn, k -> new AtomicLong()).incrementAndGet();
        }
    }

    /**
     * @param callerArnPrefix a caller ARN or its start, e.g. {@code arn:aws:sts::111122223333:assumed-role/orders/}
     * @return SQS requests signed with credentials whose caller ARN starts with it
     */
    public long sqsRequestsBy(String callerArnPrefix) {
        long n = 0;
        for (Map.Entry<String, AtomicLong> e : sqsByCaller.entrySet()) {
            if (e.getKey().startsWith(callerArnPrefix)) {
                n += e.getValue().get();
            }
        }
        return n;
    }

    /** Marks the start of an STS request and updates the high-water mark. */
    public void stsStarted() {
        int now = stsInFlight.incrementAndGet();
        maxStsInFlight.accumulateAndGet(now, Math::max);
    }

    /** Marks the end of an STS request. */
    public void stsFinished() {
        stsInFlight.decrementAndGet();
    }

    /** @return the highest number of STS requests in flight at once since start or reset */
    public int maxConcurrentSts() {
        return maxStsInFlight.get();
    }

    /** Sets every counter to zero (the high-water mark to the requests in flight now). */
    public void reset() {
        stsGetCallerIdentity.set(0);
        getCallerIdentityByAppId.clear();
        stsAssumeRoleWithWebIdentity.set(0);
        stsRequests.set(0);
        agentRequests.set(0);
        imdsCredentialRequests.set(0);
        imdsRequests.set(0);
        sqsRequests.set(0);
        sqsRejected.set(0);
        sqsByCaller.clear();
        maxStsInFlight.set(stsInFlight.get());
    }
}
