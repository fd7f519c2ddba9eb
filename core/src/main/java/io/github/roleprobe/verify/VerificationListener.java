package io.github.roleprobe.verify;

/**
 * Observes the verifier. Methods run on the verifier's background thread, after the new snapshot is
 * published; they must return quickly and must not throw (an exception is logged and ignored).
 */
public interface VerificationListener {

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
}
