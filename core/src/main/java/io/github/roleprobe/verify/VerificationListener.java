package io.github.roleprobe.verify;

import io.github.roleprobe.guard.ServiceCounters;
import io.github.roleprobe.sts.StsCallResult;

/**
 * Observes the verifier. Methods run on the verifier's background thread, after the new snapshot is published, one at
 * a time and in the order of the changes; they must return quickly and must not throw (an exception is logged and
 * ignored). A change the request guard causes (an application client seen signing with a wrong identity) is published
 * at once by the thread that saw it, and reported to {@link #stateChanged} on the verifier's thread right after.
 */
public interface VerificationListener {

    /**
     * Called once, by {@link IdentityVerifier.Builder#build()}, with the verifier this listener was registered with,
     * before its first attempt: a listener that acts on the state (role-probe-heal's self-eviction) keeps it to read
     * {@link IdentityVerifier#snapshot()} and to add a note with {@link IdentityVerifier#note}. Runs on the thread that
     * builds the verifier; must not start the verifier nor throw (an exception is logged and ignored).
     *
     * @param verifier the verifier, built and not started
     */
    default void attached(IdentityVerifier verifier) {
    }

    /**
     * Called after every finished attempt.
     *
     * @param report the snapshots before and after, the attempt's duration and its STS call result
     */
    default void attemptFinished(AttemptReport report) {
    }

    /**
     * Called when the state, the wrong-identity kind or the stale flag changed.
     *
     * @param previous the snapshot before the change
     * @param current the snapshot after the change
     */
    default void stateChanged(VerificationSnapshot previous, VerificationSnapshot current) {
    }

    /**
     * Called after each STS {@code GetCallerIdentity} call the request guard sent to identify an access key it saw in
     * an application request (the calls of attempts are in {@link AttemptReport#stsCall()}).
     *
     * @param result the call's result
     */
    default void identificationFinished(StsCallResult result) {
    }

    /**
     * Called once per AWS service whose requests the request guard sees for the first time.
     *
     * @param counters the service's request counters, updated live
     */
    default void guardServiceSeen(ServiceCounters counters) {
    }
}
