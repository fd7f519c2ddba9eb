package io.github.roleprobe.guard;

/**
 * A token bucket of {@code capacity} tokens refilled evenly, one every {@code hour / capacity}: at most
 * {@code capacity} takes in any hour after a full bucket, plus the bucket's own content at the start. Times are the
 * verifier clock's milliseconds. Thread-safe.
 */
final class TokenBucket {

    private static final long HOUR_MILLIS = 3_600_000L;

    private final int capacity;
    private final long refillMillis;
    private double tokens;
    private long updatedAt;

    TokenBucket(int capacity, long nowMillis) {
        this.capacity = capacity;
        this.refillMillis = capacity == 0 ? Long.MAX_VALUE : HOUR_MILLIS / capacity;
        this.tokens = capacity;
        this.updatedAt = nowMillis;
    }

    synchronized boolean tryTake(long nowMillis) {
        refill(nowMillis);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    synchronized void giveBack() {
        tokens = Math.min(capacity, tokens + 1);
    }

    /** @return the clock millis at which the next token is there (now when one is) */
    synchronized long nextTokenAt(long nowMillis) {
        refill(nowMillis);
        if (tokens >= 1 || capacity == 0) {
            return capacity == 0 ? Long.MAX_VALUE : nowMillis;
        }
        return nowMillis + (long) Math.ceil((1 - tokens) * refillMillis);
    }

    int capacity() {
        return capacity;
    }

    private void refill(long nowMillis) {
        if (capacity == 0 || nowMillis <= updatedAt) {
            return;
        }
        tokens = Math.min(capacity, tokens + (double) (nowMillis - updatedAt) / refillMillis);
        updatedAt = nowMillis;
    }
}
