package io.github.roleprobe.sample.spring3;

import java.util.concurrent.CompletionException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Answers who the application's own AWS client is, as SQS sees it: Spring Cloud AWS's {@link SqsAsyncClient} sends a
 * message to {@code sample.queue}, receives it back and deletes it; SQS stamps each message with its sender
 * ({@code SenderId}, {@code <role id>:<role session name>} for a role).
 */
@RestController
public class WhoAmIController {

    private final SqsAsyncClient sqs;
    private final String queue;

    /**
     * @param sqs Spring Cloud AWS's SQS client
     * @param queue the queue of {@code sample.queue}
     */
    public WhoAmIController(SqsAsyncClient sqs, @Value("${sample.queue}") String queue) {
        this.sqs = sqs;
        this.queue = queue;
    }

    /**
     * Sends, receives and deletes one message with the application's SQS client.
     *
     * @return 200 with the queue and the sender as SQS saw it, or 502 with the SDK's error message
     */
    @GetMapping("/whoami")
    public ResponseEntity<?> whoami() {
        try {
            String url = sqs.getQueueUrl(r -> r.queueName(queue)).join().queueUrl();
            String id = sqs.sendMessage(r -> r.queueUrl(url).messageBody("whoami")).join().messageId();
            for (Message m : sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                    .messageSystemAttributeNames(MessageSystemAttributeName.SENDER_ID)).join().messages()) {
                sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle())).join();
                if (m.messageId().equals(id)) {
                    return ResponseEntity.ok(new WhoAmI(queue, m.attributes().get(MessageSystemAttributeName.SENDER_ID)));
                }
            }
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(new WhoAmIError("the message sent was not received"));
        } catch (CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(new WhoAmIError(cause.getMessage()));
        } catch (SdkException e) {
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(new WhoAmIError(e.getMessage()));
        }
    }

    /**
     * @param queue the queue used
     * @param senderId the sender SQS recorded, {@code <role id>:<role session name>} for a role
     */
    public record WhoAmI(String queue, String senderId) {
    }

    /** @param error why SQS could not be asked */
    public record WhoAmIError(String error) {
    }
}
