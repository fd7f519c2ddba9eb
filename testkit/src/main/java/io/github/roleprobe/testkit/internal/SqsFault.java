package io.github.roleprobe.testkit.internal;

/**
 * An error the simulated SQS answers in the AWS JSON 1.0 protocol with its query-compatible header:
 * status, body {@code {"__type": type, "message": message}}, header
 * {@code x-amzn-query-error: <queryCode>;Sender} (left out when {@code queryCode} is null). Immutable.
 */
public final class SqsFault extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String queryCode;

    /**
     * @param status    HTTP status
     * @param type      the {@code __type}, e.g. {@code com.amazonaws.sqs#QueueDoesNotExist}
     * @param queryCode the legacy Query-protocol code for {@code x-amzn-query-error}, or null for none
     * @param message   the {@code message}; never a secret
     */
    public SqsFault(int status, String type, String queryCode, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.queryCode = queryCode;
    }

    /** @return a 400 {@code QueueDoesNotExist} ({@code AWS.SimpleQueueService.NonExistentQueue}) */
    public static SqsFault queueDoesNotExist() {
        return new SqsFault(400, "com.amazonaws.sqs#QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
                "The specified queue does not exist.");
    }

    /**
     * @param message what is missing
     * @return a 400 validation error with the legacy code {@code MissingParameter}
     */
    public static SqsFault missingParameter(String message) {
        return new SqsFault(400, "com.amazon.coral.validate#ValidationException", "MissingParameter", message);
    }

    /**
     * @param message what is wrong
     * @return a 400 {@code InvalidParameterValue}
     */
    public static SqsFault invalidParameterValue(String message) {
        return new SqsFault(400, "com.amazonaws.sqs#InvalidParameterValue", "InvalidParameterValue", message);
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the {@code __type} */
    public String type() {
        return type;
    }

    /** @return the legacy Query-protocol code, or null */
    public String queryCode() {
        return queryCode;
    }
}
