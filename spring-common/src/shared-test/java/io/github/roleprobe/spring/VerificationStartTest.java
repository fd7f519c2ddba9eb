package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Import;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;

/**
 * The verifier starts once the context has been refreshed and the web server has started, so that loading the AWS
 * SDK for its first attempt does not slow the application's start-up.
 */
@Import(VerificationStartTest.StartOrderRecorder.class)
class VerificationStartTest extends SimulatedPodSpringBootTest {

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().podIdentity(ROLE));

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void noAttemptIsMadeBeforeTheWebServerHasStartedAndTheVerifierVerifiesAfterIt() {
        HealthResponse ready = probes.awaitOn(Probes.READINESS, r -> r.status() == 200);

        StartOrderRecorder recorder = context.getBean(StartOrderRecorder.class);
        assertThat(recorder.attemptsWhenTheServerStarted()).as("attempts when the web server had started").isZero();
        assertThat(recorder.resolutionsWhenTheServerStarted()).as("credential resolutions by then").isZero();
        assertThat(recorder.serverHadStartedAtTheFirstResolution()).as("first resolution after the web server started")
                .isTrue();
        assertThat(ready.healthStatus()).isEqualTo("UP");
        assertThat(probes.roleProbe().details())
                .containsEntry("state", "VERIFIED")
                .containsEntry("callerArn", POD.simulator().podIdentityCallerArn());
        assertThat(POD.simulator().counters().stsGetCallerIdentityCalls()).isEqualTo(1);
    }

    /**
     * The application's credentials provider (so the one role-probe verifies), which also records what the verifier
     * had done when the web server reported its start, and whether the first resolution came after it.
     */
    static final class StartOrderRecorder
            implements AwsCredentialsProvider, ApplicationListener<ApplicationEvent>, AutoCloseable {

        private final ObjectProvider<IdentityVerifier> verifier;
        private final AtomicInteger resolutions = new AtomicInteger();
        private volatile boolean serverStarted;
        private volatile Long attemptsWhenTheServerStarted;
        private volatile Integer resolutionsWhenTheServerStarted;
        private volatile Boolean serverHadStartedAtTheFirstResolution;
        private ContainerCredentialsProvider delegate;

        StartOrderRecorder(ObjectProvider<IdentityVerifier> verifier) {
            this.verifier = verifier;
        }

        @Override
        public void onApplicationEvent(ApplicationEvent event) {
            if (!BootLine.WEB_SERVER_INITIALIZED_EVENT.isInstance(event)) {
                return;
            }
            attemptsWhenTheServerStarted = verifier.getObject().snapshot().attempts();
            resolutionsWhenTheServerStarted = resolutions.get();
            serverStarted = true;
        }

        @Override
        public synchronized AwsCredentials resolveCredentials() {
            if (resolutions.getAndIncrement() == 0) {
                serverHadStartedAtTheFirstResolution = serverStarted;
                delegate = ContainerCredentialsProvider.builder().build();
            }
            return delegate.resolveCredentials();
        }

        Long attemptsWhenTheServerStarted() {
            return attemptsWhenTheServerStarted;
        }

        Integer resolutionsWhenTheServerStarted() {
            return resolutionsWhenTheServerStarted;
        }

        Boolean serverHadStartedAtTheFirstResolution() {
            return serverHadStartedAtTheFirstResolution;
        }

        @Override
        public synchronized void close() {
            if (delegate != null) {
                delegate.close();
            }
        }
    }
}
