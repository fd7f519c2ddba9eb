package io.github.roleprobe.verify;

import io.github.roleprobe.sts.StsCallResult;
import java.time.Duration;
import java.time.Instant;
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
    private final Instant verifierCreatedAt;

    /**
     * @param previous the snapshot before the attempt
     * @param current the snapshot the attempt published
     * @param duration how long the attempt took, credential resolution and STS call included
     * @param stsCall the result of the STS call, or {@code null} when the attempt made none
     * @param verifierCreatedAt when the verifier was built ({@link IdentityVerifier#createdAt()}), by its clock
     */
    public AttemptReport(VerificationSnapshot previous, VerificationSnapshot current, Duration duration,
            StsCallResult stsCall, Instant verifierCreatedAt) {
        this.previous = Objects.requireNonNull(previous, "previous");
        this.current = Objects.requireNonNull(current, "current");
        this.duration = Objects.requireNonNull(duration, "duration");
        this.stsCall = stsCall;
        this.verifierCreatedAt = Objects.requireNonNull(verifierCreatedAt, "verifierCreatedAt");
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

    /** @return when the verifier was built ({@link IdentityVerifier#createdAt()}): the start of time-to-verified */
    public Instant verifierCreatedAt() {
        return verifierCreatedAt;
    }

    /**
     * The time from the verifier's creation to its first {@link VerificationState#VERIFIED}, by the verifier's
     * clock: present only in the one attempt that first reached {@code VERIFIED}.
     *
     * @return {@code current().firstVerified() - verifierCreatedAt()} in that attempt, else empty
     */
    public Optional<Duration> timeToFirstVerified() {
        if (previous.firstVerified().isPresent() || current.firstVerified().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(verifierCreatedAt, current.firstVerified().get()));
    }

    /** @return {@code true} when the state, wrong-identity kind or stale flag changed */
    public boolean stateChanged() {
        return previous.state() != current.state()
                || !previous.wrongIdentityKind().equals(current.wrongIdentityKind())
                || previous.stale() != current.stale();
    }
}
