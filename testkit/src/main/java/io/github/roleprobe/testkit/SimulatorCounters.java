package io.github.roleprobe.testkit;

import io.github.roleprobe.testkit.internal.Counters;

import java.util.Objects;

/**
 * Live, read-only view of what a running {@link EksPodSimulator} was asked. Every value counts
 * requests received since start or the last {@link #reset()}, failed ones included. Thread-safe;
 * values read one after another are not a consistent snapshot.
 */
public final class SimulatorCounters {

    private final Counters counters;

    SimulatorCounters(Counters counters) {
        this.counters = counters;
    }

    /** @return STS {@code GetCallerIdentity} requests received */
    public long stsGetCallerIdentityCalls() {
        return counters.stsGetCallerIdentity.get();
    }

    /** @return STS {@code AssumeRoleWithWebIdentity} requests received */
    public long stsAssumeRoleWithWebIdentityCalls() {
        return counters.stsAssumeRoleWithWebIdentity.get();
    }

    /** @return STS requests of any action received */
    public long stsRequests() {
        return counters.stsRequests.get();
    }

    /** @return the highest number of STS requests that were in flight at the same time */
    public int maxConcurrentStsCalls() {
        return counters.maxConcurrentSts();
    }

    /** @return requests received by the Pod Identity agent (rejected and failed ones included) */
    public long agentRequests() {
        return counters.agentRequests.get();
    }

    /**
     * @return IMDS requests for a role's credential document
     *     ({@code GET /latest/meta-data/iam/security-credentials/<role>})
     */
    public long imdsCredentialRequests() {
        return counters.imdsCredentialRequests.get();
    }

    /** @return IMDS requests of any kind, token requests included */
    public long imdsRequests() {
        return counters.imdsRequests.get();
    }

    /**
     * {@code GetCallerIdentity} requests from clients with an application id: AWS SDKs put {@code app/<id>} into the
     * {@code User-Agent} for {@code ClientOverrideConfiguration.appId(id)} (Java) or {@code AWS_SDK_UA_APP_ID}.
     * role-probe's own STS client uses the id {@code role-probe}, so {@code stsGetCallerIdentityCallsByAppId("role-probe")}
     * counts its calls apart from the application's.
     *
     * @param appId the application id
     * @return the requests received whose {@code User-Agent} named it, answered or refused
     * @throws NullPointerException if {@code appId} is null
     */
    public long stsGetCallerIdentityCallsByAppId(String appId) {
        return counters.stsGetCallerIdentityByAppId(Objects.requireNonNull(appId, "appId"));
    }

    /** @return requests received by the SQS endpoint, rejected ones included */
    public long sqsRequests() {
        return counters.sqsRequests.get();
    }

    /**
     * SQS requests by identity: a request counts for the caller ARN of the credentials its
     * {@code Authorization} header names (by access key id), whether or not it was then accepted
     * (a bad signature or an expired session still counts). Requests with keys the simulator never
     * issued, or without a signature, count for nobody.
     *
     * @param callerArnPrefix a caller ARN or its start, such as
     *     {@code EksPodSimulator.assumedRoleArn(sim.nodeRoleArn())} for every session of the node role
     *     or {@link EksPodSimulator#podIdentityCallerArn()} for one session
     * @return SQS requests signed with credentials whose caller ARN starts with {@code callerArnPrefix}
     * @throws NullPointerException if {@code callerArnPrefix} is null
     */
    public long sqsRequestsBy(String callerArnPrefix) {
        return counters.sqsRequestsBy(Objects.requireNonNull(callerArnPrefix, "callerArnPrefix"));
    }

    /**
     * @return SQS requests answered with an error: authentication failures, unknown operations or
     *     queues, invalid input
     */
    public long sqsRejectedRequests() {
        return counters.sqsRejected.get();
    }

    /** Sets every counter back to zero (the per-identity SQS counts included). */
    public void reset() {
        counters.reset();
    }

    @Override
    public String toString() {
        return "SimulatorCounters[stsGetCallerIdentity=" + stsGetCallerIdentityCalls()
                + ", stsAssumeRoleWithWebIdentity=" + stsAssumeRoleWithWebIdentityCalls()
                + ", maxConcurrentSts=" + maxConcurrentStsCalls() + ", agentRequests=" + agentRequests()
                + ", imdsCredentialRequests=" + imdsCredentialRequests() + ", sqsRequests=" + sqsRequests()
                + ", sqsRejected=" + sqsRejectedRequests() + "]";
    }
}
