package io.github.roleprobe.testkit.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated SQS's queues, in memory, per account: standard queues without visibility timeouts (a
 * received message stays in flight until it is deleted, it is never delivered again), without
 * delays, long polling or access policies. Thread-safe.
 */
public final class SqsQueues {

    /**
     * A message as it was sent.
     *
     * @param messageId     its id (a UUID)
     * @param body          the body
     * @param bodyMd5       {@code MD5OfMessageBody}
     * @param attributes    the message attributes as sent (name to {@code DataType} and value), may be empty
     * @param attributesMd5 {@code MD5OfMessageAttributes}, or null without attributes
     * @param senderId      the sender's user id, {@code <role id>:<session name>} for a role session
     * @param sentAt        when it was sent
     */
    public record Message(String messageId, String body, String bodyMd5, Map<String, Object> attributes,
                          String attributesMd5, String senderId, Instant sentAt) {
    }

    /**
     * A received message.
     *
     * @param message       the message
     * @param receiptHandle the handle to delete it with
     * @param receiveCount  how often it was received, this time included
     * @param firstReceived when it was first received
     */
    public record Delivery(Message message, String receiptHandle, int receiveCount, Instant firstReceived) {
    }

    private static final class Queue {
        private final Deque<Message> visible = new ArrayDeque<>();
        private final Map<String, Delivery> inFlight = new LinkedHashMap<>();
    }

    private final Map<String, Queue> queues = new ConcurrentHashMap<>();

    /**
     * Creates a queue unless it exists.
     *
     * @param accountId the owner's account
     * @param name      the queue name
     * @return true if it was created, false if it already existed
     */
    public boolean create(String accountId, String name) {
        return queues.putIfAbsent(key(accountId, name), new Queue()) == null;
    }

    /**
     * @param accountId the owner's account
     * @param name      the queue name
     * @return whether the queue exists
     */
    public boolean exists(String accountId, String name) {
        return queues.containsKey(key(accountId, name));
    }

    /**
     * @param accountId the owner's account
     * @param prefix    a queue name prefix, may be empty
     * @return the names of the account's queues that start with it, sorted
     */
    public List<String> names(String accountId, String prefix) {
        String start = accountId + "/" + prefix;
        List<String> names = new ArrayList<>();
        for (String k : queues.keySet()) {
            if (k.startsWith(start)) {
                names.add(k.substring(accountId.length() + 1));
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * Appends a message.
     *
     * @param accountId  the owner's account
     * @param name       the queue name
     * @param body       the body
     * @param attributes the message attributes as sent in JSON (may be empty)
     * @param senderId   the sender's user id
     * @param now        the send time
     * @return the stored message, or empty if the queue does not exist
     * @throws IllegalArgumentException if an attribute is malformed
     */
    public Optional<Message> send(String accountId, String name, String body, Map<String, Object> attributes,
                                  String senderId, Instant now) {
        Queue q = queues.get(key(accountId, name));
        if (q == null) {
            return Optional.empty();
        }
        String attributesMd5 = attributes.isEmpty() ? null : SqsDigests.attributes(attributes);
        Message m = new Message(UUID.randomUUID().toString(), body, SqsDigests.body(body), Map.copyOf(attributes),
                attributesMd5, senderId, now);
        synchronized (q) {
            q.visible.addLast(m);
        }
        return Optional.of(m);
    }

    /**
     * Takes up to {@code max} messages, oldest first; they stay in flight until deleted.
     *
     * @param accountId the owner's account
     * @param name      the queue name
     * @param max       the most messages to take, 1 to 10
     * @param now       the receive time
     * @return the deliveries (possibly none), or empty if the queue does not exist
     */
    public Optional<List<Delivery>> receive(String accountId, String name, int max, Instant now) {
        Queue q = queues.get(key(accountId, name));
        if (q == null) {
            return Optional.empty();
        }
        List<Delivery> out = new ArrayList<>();
        synchronized (q) {
            while (out.size() < max && !q.visible.isEmpty()) {
                Message m = q.visible.pollFirst();
                Delivery d = new Delivery(m, UUID.randomUUID() + "#" + m.messageId(), 1, now);
                q.inFlight.put(d.receiptHandle(), d);
                out.add(d);
            }
        }
        return Optional.of(out);
    }

    /**
     * Deletes an in-flight message.
     *
     * @param accountId     the owner's account
     * @param name          the queue name
     * @param receiptHandle the handle of its delivery
     * @return empty if the queue does not exist, else whether the handle was known
     */
    public Optional<Boolean> delete(String accountId, String name, String receiptHandle) {
        Queue q = queues.get(key(accountId, name));
        if (q == null) {
            return Optional.empty();
        }
        synchronized (q) {
            return Optional.of(q.inFlight.remove(receiptHandle) != null);
        }
    }

    /**
     * @param accountId the owner's account
     * @param name      the queue name
     * @return the number of messages waiting to be received, or -1 if the queue does not exist
     */
    public int visibleCount(String accountId, String name) {
        Queue q = queues.get(key(accountId, name));
        if (q == null) {
            return -1;
        }
        synchronized (q) {
            return q.visible.size();
        }
    }

    private static String key(String accountId, String name) {
        return accountId + "/" + name;
    }
}
