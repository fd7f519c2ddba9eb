package io.github.roleprobe.verify;

import io.github.roleprobe.sts.StsCallResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one verification attempt did: the snapshots before and after, how long it took, and the result of
 * its STS {@code GetCallerIdentity} call if it made one. Given to {@link VerificationListener}s, for
 * example to record metrics. Immutable and thread-safe.
 */
public final class AttemptReport {

    private final VerificationSnapshot previous;
    private final VerificationSnapshot current;
    private final Duration duration;
    private final StsCallResult stsCall;

    /**
     * @param previous the snapshot before the attempt
     * @param current the snapshot the attempt published
     * @param duration how long the attempt took, credential resolution and STS call included
     * @param stsCall the result of the STS call, or {@code null} when the attempt made none
     */
    public AttemptReport(VerificationSnapshot previous, VerificationSnapshot current, Duration duration,
            StsCallResult stsCall) {
        this.previous = Objects.requireNonNull(previous, "previous");
        this.current = Objects.requireNonNull(current, "current");
        this.duration = Objects.requireNonNull(duration, "duration");
        this.stsCall = stsCall;
    }

    /** @return the snapshot before the attempt */
    public VerificationSnapshot previous() {
        return previous;
    }

    /** @return the snapshot the attempt published */
    public VerificationSnapshot current() {
        return current;
    }

    /** @return how long the attempt took (monotonic time) */
    public Duration duration() {
        return duration;
    }

    /** @return the STS call's result; empty when the attempt needed no STS call */
    public Optional<StsCallResult> stsCall() {
        return Optional.ofNullable(stsCall);
    }

    /** @return {@code true} when the state, wrong-identity kind or stale flag changed */
    public boolean stateChanged() {
        return previous.state() != current.state()
                || !previous.wrongIdentityKind().equals(current.wrongIdentityKind())
                || previous.stale() != current.stale();
    }
}
