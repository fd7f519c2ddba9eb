package io.github.roleprobe.kubernetes.sim;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * client-go's {@code workqueue.DefaultControllerRateLimiter()}, the rate limiter of the ReplicaSet
 * controller's queue ({@code pkg/controller/replicaset}: {@code NewTypedRateLimitingQueueWithConfig(
 * DefaultTypedControllerRateLimiter())}), in Kubernetes time (the caller scales the delays):
 * the larger of
 * <ul>
 *   <li>{@code ItemExponentialFailureRateLimiter(5ms, 1000s)}: the n-th {@code When} of an item since it was
 *       last forgotten waits {@code 5 ms * 2^(n-1)}, at most 1000 s;</li>
 *   <li>{@code BucketRateLimiter(rate.NewLimiter(10, 100))}: one token bucket shared by every item, 10 per
 *       second, burst 100 ({@code Reserve().Delay()}: tokens can go negative; the delay is the time until
 *       they are back to zero).</li>
 * </ul>
 */
public final class ControllerRateLimiter {

    /** The per-item base delay. */
    public static final Duration BASE_DELAY = Duration.ofMillis(5);
    /** The per-item maximum delay. */
    public static final Duration MAX_DELAY = Duration.ofSeconds(1000);
    /** The overall bucket's rate, tokens per second. */
    public static final double QPS = 10;
    /** The overall bucket's size. */
    public static final int BURST = 100;

    private final Map<String, Integer> failures = new HashMap<>();
    private double tokens = BURST;
    private long lastNanos;
    private boolean started;

    /**
     * {@code When(item)}: called by {@code AddRateLimited}.
     *
     * @param item     the queue key (namespace/name of the ReplicaSet)
     * @param nowNanos Kubernetes time
     * @return how long the item waits before it is queued again, in Kubernetes time
     */
    public synchronized Duration when(String item, long nowNanos) {
        int exp = failures.getOrDefault(item, 0);
        failures.put(item, exp + 1);
        double backoff = BASE_DELAY.toNanos() * Math.pow(2, exp);
        Duration perItem = backoff > MAX_DELAY.toNanos() ? MAX_DELAY : Duration.ofNanos((long) backoff);
        Duration overall = bucket(nowNanos);
        return perItem.compareTo(overall) >= 0 ? perItem : overall;
    }

    private Duration bucket(long nowNanos) {
        if (!started) {
            started = true;
        } else {
            tokens = Math.min(BURST, tokens + (nowNanos - lastNanos) / 1e9 * QPS);
        }
        lastNanos = nowNanos;
        tokens -= 1;
        return tokens >= 0 ? Duration.ZERO : Duration.ofNanos((long) (-tokens / QPS * 1e9));
    }

    /**
     * {@code Forget(item)}: called after a successful sync; the item's next failure starts at the base delay again.
     *
     * @param item the queue key
     */
    public synchronized void forget(String item) {
        failures.remove(item);
    }

    /**
     * @param item the queue key
     * @return {@code NumRequeues(item)}
     */
    public synchronized int numRequeues(String item) {
        return failures.getOrDefault(item, 0);
    }
}
