package io.github.roleprobe.sample.spring3;

import io.github.roleprobe.credentials.CredentialSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * What a real service does at startup with Spring Cloud AWS, switched on for the demo's stuck scenarios. Both run
 * while the context starts, before the EKS Pod Identity agent can serve the role; Spring Cloud AWS's
 * {@code credentialsProvider} (by default the SDK's shared {@code DefaultCredentialsProvider}) falls through to IMDS
 * and keeps the node role for the life of the JVM, for every client it serves.
 *
 * <ul>
 *   <li>{@code sample.warm-up-credentials=true} (env {@code SAMPLE_WARMUPCREDENTIALS}): resolves Spring Cloud AWS's
 *       {@code credentialsProvider} once, as a cache load would; role-probe verifies that same bean.</li>
 *   <li>{@code sample.warm-up-client=true} (env {@code SAMPLE_WARMUPCLIENT}): Spring Cloud AWS's SQS client sends one
 *       message to {@code sample.queue}; role-probe's request guard sees what it signed with.</li>
 * </ul>
 *
 * <p>Always a bean, reading its settings at run time, so that the switches also work in an application processed
 * ahead of time (Spring AOT fixes {@code @Conditional} decisions at build time). A failure is logged, never thrown:
 * the service starts either way.
 */
@Component
public class WarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

    /**
     * @param credentials Spring Cloud AWS's {@code credentialsProvider}
     * @param sqs Spring Cloud AWS's SQS client
     * @param queue the queue of {@code sample.queue}
     * @param warmUpCredentials {@code sample.warm-up-credentials}
     * @param warmUpClient {@code sample.warm-up-client}
     */
    public WarmUp(AwsCredentialsProvider credentials, SqsAsyncClient sqs, @Value("${sample.queue}") String queue,
                  @Value("${sample.warm-up-credentials:false}") boolean warmUpCredentials,
                  @Value("${sample.warm-up-client:false}") boolean warmUpClient) {
        if (warmUpCredentials) {
            try {
                LOG.info("Warmed up AWS credentials at startup; source: {}",
                        CredentialSource.fromProviderName(credentials.resolveCredentials().providerName()));
            } catch (RuntimeException e) {
                LOG.warn("Could not warm up AWS credentials at startup: {}", e.getMessage());
            }
        }
        if (warmUpClient) {
            try {
                String url = sqs.getQueueUrl(r -> r.queueName(queue)).join().queueUrl();
                sqs.sendMessage(r -> r.queueUrl(url).messageBody("warm-up")).join();
                LOG.info("Warmed up the SQS client at startup: sent a message to {}", queue);
            } catch (RuntimeException e) {
                LOG.warn("Could not warm up the SQS client at startup: {}", e.getMessage());
            }
        }
    }
}
