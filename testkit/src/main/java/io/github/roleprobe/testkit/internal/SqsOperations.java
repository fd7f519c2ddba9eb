package io.github.roleprobe.testkit.internal;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The SQS operations the simulator serves, on JSON input already parsed: {@code CreateQueue},
 * {@code GetQueueUrl}, {@code ListQueues}, {@code SendMessage}, {@code ReceiveMessage} and
 * {@code DeleteMessage}. Every authenticated caller may use every queue (no access policies); a
 * caller's own queues are those of its role's account. Thread-safe.
 */
public final class SqsOperations {

    /** The operation names, as they follow {@code AmazonSQS.} in {@code X-Amz-Target}. */
    public static final Set<String> NAMES =
            Set.of("CreateQueue", "GetQueueUrl", "ListQueues", "SendMessage", "ReceiveMessage", "DeleteMessage");

    private static final String NAME_PATTERN = "[A-Za-z0-9_-]{1,75}(\\.fifo)?|[A-Za-z0-9_-]{1,80}";
    private static final Set<String> SYSTEM_ATTRIBUTES =
            Set.of("SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp");

    private final SqsQueues queues;

    /** @param queues the queue store */
    public SqsOperations(SqsQueues queues) {
        this.queues = queues;
    }

    /**
     * Runs one operation.
     *
     * @param operation one of {@link #NAMES}
     * @param input     the request's JSON members
     * @param caller    the authenticated caller
     * @param baseUrl   the endpoint as the client reached it, {@code http://127.0.0.1:<port>}, for queue URLs
     * @param now       the service's clock
     * @return the response's JSON members
     * @throws SqsFault for an unknown queue or invalid input
     * @throws IllegalArgumentException if {@code operation} is not one of {@link #NAMES}
     */
    public Map<String, Object> run(String operation, Map<String, Object> input, IssuedCredentials caller,
                                   String baseUrl, Instant now) throws SqsFault {
        return switch (operation) {
            case "CreateQueue" -> createQueue(input, caller, baseUrl);
            case "GetQueueUrl" -> getQueueUrl(input, caller, baseUrl);
            case "ListQueues" -> listQueues(input, caller, baseUrl);
            case "SendMessage" -> sendMessage(input, caller, now);
            case "ReceiveMessage" -> receiveMessage(input, now);
            case "DeleteMessage" -> deleteMessage(input);
            default -> throw new IllegalArgumentException("not an SQS operation: " + operation);
        };
    }

    /**
     * @param baseUrl   the endpoint, {@code http://127.0.0.1:<port>}
     * @param accountId the owner's account
     * @param name      the queue name
     * @return the queue's URL, {@code <baseUrl>/<accountId>/<name>}
     */
    public static String queueUrl(String baseUrl, String accountId, String name) {
        return baseUrl + "/" + accountId + "/" + name;
    }

    private Map<String, Object> createQueue(Map<String, Object> input, IssuedCredentials caller, String baseUrl)
            throws SqsFault {
        String name = requireString(input, "QueueName");
        if (!name.matches(NAME_PATTERN)) {
            throw SqsFault.invalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores. "
                    + "1 to 80 in length");
        }
        queues.create(caller.accountId(), name);
        return Map.of("QueueUrl", queueUrl(baseUrl, caller.accountId(), name));
    }

    private Map<String, Object> getQueueUrl(Map<String, Object> input, IssuedCredentials caller, String baseUrl)
            throws SqsFault {
        String name = requireString(input, "QueueName");
        String owner = input.get("QueueOwnerAWSAccountId") instanceof String s ? s : caller.accountId();
        if (!queues.exists(owner, name)) {
            throw SqsFault.queueDoesNotExist();
        }
        return Map.of("QueueUrl", queueUrl(baseUrl, owner, name));
    }

    private Map<String, Object> listQueues(Map<String, Object> input, IssuedCredentials caller, String baseUrl) {
        String prefix = input.get("QueueNamePrefix") instanceof String s ? s : "";
        long max = input.get("MaxResults") instanceof Long l ? Math.max(1, Math.min(1000, l)) : 1000;
        List<String> urls = new ArrayList<>();
        for (String name : queues.names(caller.accountId(), prefix)) {
            if (urls.size() < max) {
                urls.add(queueUrl(baseUrl, caller.accountId(), name));
            }
        }
        return urls.isEmpty() ? Map.of() : Map.of("QueueUrls", urls);
    }

    private Map<String, Object> sendMessage(Map<String, Object> input, IssuedCredentials caller, Instant now)
            throws SqsFault {
        String[] queue = queue(input);
        String body = requireString(input, "MessageBody");
        if (body.isEmpty()) {
            throw SqsFault.missingParameter("The request must contain the parameter MessageBody.");
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (input.get("MessageAttributes") instanceof Map<?, ?> given) {
            given.forEach((k, v) -> attributes.put(String.valueOf(k), v));
        }
        Optional<SqsQueues.Message> sent;
        try {
            sent = queues.send(queue[0], queue[1], body, attributes, caller.userId(), now);
        } catch (IllegalArgumentException e) {
            throw SqsFault.invalidParameterValue(e.getMessage());
        }
        SqsQueues.Message m = sent.orElseThrow(SqsFault::queueDoesNotExist);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("MD5OfMessageBody", m.bodyMd5());
        if (m.attributesMd5() != null) {
            out.put("MD5OfMessageAttributes", m.attributesMd5());
        }
        out.put("MessageId", m.messageId());
        return out;
    }

    private Map<String, Object> receiveMessage(Map<String, Object> input, Instant now) throws SqsFault {
        String[] queue = queue(input);
        long max = input.get("MaxNumberOfMessages") instanceof Long l ? l : 1;
        if (max < 1 || max > 10) {
            throw SqsFault.invalidParameterValue("Value " + max + " for parameter MaxNumberOfMessages is invalid. "
                    + "Reason: Must be between 1 and 10, if provided.");
        }
        List<SqsQueues.Delivery> deliveries = queues.receive(queue[0], queue[1], (int) max, now)
                .orElseThrow(SqsFault::queueDoesNotExist);
        List<String> systemNames = strings(input.get("MessageSystemAttributeNames"));
        systemNames.addAll(strings(input.get("AttributeNames")));
        List<String> attributeNames = strings(input.get("MessageAttributeNames"));
        List<Object> messages = new ArrayList<>();
        for (SqsQueues.Delivery d : deliveries) {
            messages.add(message(d, systemNames, attributeNames));
        }
        return messages.isEmpty() ? Map.of() : Map.of("Messages", messages);
    }

    private Map<String, Object> deleteMessage(Map<String, Object> input) throws SqsFault {
        String[] queue = queue(input);
        String handle = requireString(input, "ReceiptHandle");
        boolean known = queues.delete(queue[0], queue[1], handle).orElseThrow(SqsFault::queueDoesNotExist);
        if (!known) {
            throw new SqsFault(400, "com.amazonaws.sqs#ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid",
                    "The input receipt handle is invalid.");
        }
        return Map.of();
    }

    private static Map<String, Object> message(SqsQueues.Delivery d, List<String> systemNames,
                                               List<String> attributeNames) {
        SqsQueues.Message m = d.message();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("MessageId", m.messageId());
        out.put("ReceiptHandle", d.receiptHandle());
        out.put("MD5OfBody", m.bodyMd5());
        out.put("Body", m.body());
        Map<String, Object> system = new LinkedHashMap<>();
        boolean allSystem = systemNames.contains("All");
        for (String name : SYSTEM_ATTRIBUTES) {
            if (allSystem || systemNames.contains(name)) {
                system.put(name, switch (name) {
                    case "SenderId" -> m.senderId();
                    case "SentTimestamp" -> Long.toString(m.sentAt().toEpochMilli());
                    case "ApproximateReceiveCount" -> Integer.toString(d.receiveCount());
                    default -> Long.toString(d.firstReceived().toEpochMilli());
                });
            }
        }
        if (!system.isEmpty()) {
            out.put("Attributes", system);
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        boolean allAttributes = attributeNames.contains("All") || attributeNames.contains(".*");
        m.attributes().forEach((name, value) -> {
            if (allAttributes || attributeNames.contains(name)) {
                attributes.put(name, value);
            }
        });
        if (!attributes.isEmpty()) {
            out.put("MD5OfMessageAttributes", SqsDigests.attributes(attributes));
            out.put("MessageAttributes", attributes);
        }
        return out;
    }

    /** @return {account id, queue name} from the input's {@code QueueUrl} */
    private static String[] queue(Map<String, Object> input) throws SqsFault {
        String url = requireString(input, "QueueUrl");
        String path;
        try {
            path = URI.create(url).getPath();
        } catch (IllegalArgumentException e) {
            path = null;
        }
        String[] parts = path == null ? new String[0] : path.replaceFirst("^/", "").split("/");
        if (parts.length != 2 || !parts[0].matches("\\d{12}") || parts[1].isEmpty()) {
            throw new SqsFault(400, "com.amazonaws.sqs#InvalidAddress", "InvalidAddress",
                    "The address " + url + " is not valid for this endpoint.");
        }
        return parts;
    }

    private static String requireString(Map<String, Object> input, String name) throws SqsFault {
        if (!(input.get(name) instanceof String value)) {
            throw SqsFault.missingParameter("The request must contain the parameter " + name + ".");
        }
        return value;
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
