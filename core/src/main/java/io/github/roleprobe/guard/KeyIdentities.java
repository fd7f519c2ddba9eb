package io.github.roleprobe.guard;

import io.github.roleprobe.sts.CallerIdentityResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * The caller identities STS told for access key ids, shared by one verifier's own attempts and its request guard,
 * so that one key costs one STS {@code GetCallerIdentity} call however many clients sign with it. An access key id
 * always belongs to the same identity, so a success is kept (at most {@value #MAX_KEYS} keys, the oldest dropped
 * first); a failure is not kept. Concurrent identifications of one key coalesce into one call.
 *
 * <p>Holds no secret: the credentials given to {@link #identify} are used for that one call and not kept. Thread-safe.
 */
public final class KeyIdentities {

    /** The most access key ids whose identity is kept. */
    public static final int MAX_KEYS = 512;

    /**
     * A caller identity STS told for an access key id.
     *
     * @param callerArn the {@code Arn} of the answer
     * @param identifiedAt when STS answered, by the verifier's clock
     */
    public record Identified(String callerArn, Instant identifiedAt) {
    }

    /**
     * The result of {@link #identify}.
     *
     * @param result the STS call's result, this caller's or the one it waited for
     * @param sent {@code true} when this caller sent a request to STS, {@code false} when it shared another thread's
     *     call or its call failed before anything was sent
     */
    public record Outcome(CallerIdentityResult result, boolean sent) {
    }

    private final Clock clock;
    private final Function<AwsCredentials, CallerIdentityResult> sts;
    private final Map<String, Identified> known = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<CallerIdentityResult>> inFlight = new ConcurrentHashMap<>();

    /**
     * @param clock the verifier's clock
     * @param sts calls STS {@code GetCallerIdentity} signed with the given credentials, never throws, thread-safe
     */
    public KeyIdentities(Clock clock, Function<AwsCredentials, CallerIdentityResult> sts) {
        this.clock = clock;
        this.sts = sts;
    }

    /**
     * @param accessKeyId an access key id
     * @return what STS told for it, if it was identified; no network call
     */
    public Optional<Identified> known(String accessKeyId) {
        return Optional.ofNullable(known.get(accessKeyId));
    }

    /**
     * Asks STS who owns {@code credentials}, unless a call for the same access key id is in flight, whose result
     * is then shared (waiting at most {@code wait}). A success is remembered; a rejection of the credentials by STS
     * ({@code CREDENTIALS_REJECTED}: an expired or invalid key) forgets what was known about the key.
     *
     * @param accessKeyId the access key id of {@code credentials}
     * @param credentials the credentials to sign the call with; not kept
     * @param wait the longest time to wait for a call of another thread
     * @return the call's result and whether this caller sent it; a failure of kind {@code UNAVAILABLE} when another
     *     thread's call did not finish in time
     */
    public Outcome identify(String accessKeyId, AwsCredentials credentials, Duration wait) {
        CompletableFuture<CallerIdentityResult> mine = new CompletableFuture<>();
        CompletableFuture<CallerIdentityResult> running = inFlight.putIfAbsent(accessKeyId, mine);
        if (running != null) {
            return new Outcome(await(running, wait), false);
        }
        CallerIdentityResult result = null;
        try {
            result = sts.apply(credentials);
            if (result.arn().isPresent()) {
                remember(accessKeyId, result.arn().get());
            } else if (result.failure().orElse(null) == CallerIdentityResult.Failure.CREDENTIALS_REJECTED) {
                // STS no longer accepts this key (expired, revoked): what it once said about it must not confirm it.
                known.remove(accessKeyId);
            }
            return new Outcome(result, result.sent());
        } finally {
            inFlight.remove(accessKeyId, mine);
            if (result != null) {
                mine.complete(result);
            } else {
                mine.completeExceptionally(new IllegalStateException("STS call failed"));
            }
        }
    }

    private static CallerIdentityResult await(CompletableFuture<CallerIdentityResult> running, Duration wait) {
        try {
            return running.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return CallerIdentityResult.failure(CallerIdentityResult.Failure.UNAVAILABLE,
                    "STS did not identify the access key within " + wait.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CallerIdentityResult.failure(CallerIdentityResult.Failure.UNAVAILABLE,
                    "interrupted while STS identified the access key");
        } catch (ExecutionException e) {
            return CallerIdentityResult.failure(CallerIdentityResult.Failure.UNAVAILABLE,
                    "STS call failed: " + e.getCause().getClass().getSimpleName());
        }
    }

    /**
     * Remembers an identity told by STS.
     *
     * @param accessKeyId the access key id
     * @param callerArn the caller ARN STS answered
     */
    public void remember(String accessKeyId, String callerArn) {
        if (known.size() >= MAX_KEYS && !known.containsKey(accessKeyId)) {
            known.entrySet().stream()
                    .min(Comparator.comparing(e -> e.getValue().identifiedAt()))
                    .ifPresent(e -> known.remove(e.getKey(), e.getValue()));
        }
        known.put(accessKeyId, new Identified(callerArn, clock.instant()));
    }
}
