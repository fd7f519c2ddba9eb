package io.github.roleprobe.testkit;

import io.github.roleprobe.testkit.internal.Counters;

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

    /** Sets every counter back to zero. */
    public void reset() {
        counters.reset();
    }

    @Override
    public String toString() {
        return "SimulatorCounters[stsGetCallerIdentity=" + stsGetCallerIdentityCalls()
                + ", stsAssumeRoleWithWebIdentity=" + stsAssumeRoleWithWebIdentityCalls()
                + ", maxConcurrentSts=" + maxConcurrentStsCalls() + ", agentRequests=" + agentRequests()
                + ", imdsCredentialRequests=" + imdsCredentialRequests() + "]";
    }
}
