package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.order.Ordered;
import io.micronaut.runtime.EmbeddedApplication;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;

/**
 * When the verifier starts: after the application (its HTTP server) has started, so that loading the AWS SDK for the
 * first attempt does not slow the application's start-up; with the context when there is no embedded application;
 * and, at the latest, {@code role-probe.application-start-timeout} after the context started.
 */
class VerificationStartTest extends SimulatedPodTest {

    private static final String RECORDER = "test.start-order-recorder";

    @Test
    void noAttemptIsMadeBeforeTheServerHasStartedAndTheVerifierVerifiesAfterIt() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        ApplicationContext context = RunningApp.startContext(
                properties(Map.of("role-probe.role-arns", ROLE, RECORDER, "true")), IN_KUBERNETES);
        StartOrderRecorder recorder;
        try {
            IdentityVerifier verifier = context.getBean(IdentityVerifier.class);
            recorder = context.getBean(StartOrderRecorder.class);

            // The context has started, its server has not.
            assertThat(context.getBean(EmbeddedServer.class).isRunning()).isFalse();
            assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.PENDING);
            assertThat(verifier.snapshot().attempts()).isZero();
        } catch (RuntimeException | AssertionError e) {
            context.close();
            throw e;
        }
        app = RunningApp.serve(context);

        HealthResponse ready = app.awaitReadiness(r -> r.status() == 200);

        assertThat(recorder.attemptsWhenTheServerStarted()).as("attempts when the server had started").isZero();
        assertThat(recorder.resolutionsWhenTheServerStarted()).as("credential resolutions by then").isZero();
        assertThat(recorder.serverHadStartedAtTheFirstResolution()).as("first resolution after the server started")
                .isTrue();
        assertThat(ready.state()).isEqualTo("VERIFIED");
        assertThat(ready.roleProbe()).containsEntry("callerArn", simulator.podIdentityCallerArn());
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(logs().count("role-probe starts verifying although")).isZero();
    }

    @Test
    void withoutAnEmbeddedApplicationTheVerifierStartsWhenTheContextHasStarted() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        try (ApplicationContext context = ApplicationContext.builder()
                .deduceEnvironment(false)
                // No HTTP server: a plain context, as in a command-line application.
                .classLoader(new WithoutNettyServerBeans(getClass().getClassLoader()))
                .properties(properties(Map.of("role-probe.role-arns", ROLE)))
                .singletons(IN_KUBERNETES)
                .start()) {
            assertThat(context.containsBean(EmbeddedApplication.class)).isFalse();

            // Within RunningApp.DEADLINE (15 s), i.e. not after the 30 s application start timeout.
            VerificationSnapshot verified = await(context.getBean(IdentityVerifier.class), VerificationSnapshot::ready);

            assertThat(verified.callerArn()).contains(simulator.podIdentityCallerArn());
            assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        }
        assertThat(logs().count("role-probe starts verifying although")).isZero();
    }

    @Test
    void anEmbeddedServerThatIsNeverStartedDoesNotKeepTheVerifierWaitingBeyondTheTimeout() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        try (ApplicationContext context = RunningApp.startContext(properties(Map.of(
                "role-probe.role-arns", ROLE, "role-probe.application-start-timeout", "200ms")), IN_KUBERNETES)) {
            EmbeddedServer server = context.getBean(EmbeddedServer.class);

            VerificationSnapshot verified = await(context.getBean(IdentityVerifier.class), VerificationSnapshot::ready);

            assertThat(server.isRunning()).isFalse();
            assertThat(verified.callerArn()).contains(simulator.podIdentityCallerArn());
            assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
            assertThat(logs().count("role-probe starts verifying although the application has not reported its"
                    + " start (no ApplicationStartupEvent) within 200 ms")).isEqualTo(1);
        }
    }

    @Test
    void zeroApplicationStartTimeoutStartsTheVerifierWithTheContext() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        try (ApplicationContext context = RunningApp.startContext(properties(Map.of(
                "role-probe.role-arns", ROLE, "role-probe.application-start-timeout", "0s")), IN_KUBERNETES)) {
            VerificationSnapshot verified = await(context.getBean(IdentityVerifier.class), VerificationSnapshot::ready);

            assertThat(context.getBean(EmbeddedServer.class).isRunning()).isFalse();
            assertThat(verified.callerArn()).contains(simulator.podIdentityCallerArn());
        }
        assertThat(logs().count("role-probe starts verifying although")).isZero();
    }

    @Test
    void closingTheContextBeforeTheApplicationStartedLeavesNoVerifierThread() throws Exception {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        ApplicationContext context = RunningApp.startContext(properties(Map.of("role-probe.role-arns", ROLE)),
                IN_KUBERNETES);
        IdentityVerifier verifier = context.getBean(IdentityVerifier.class);

        context.close();

        assertThat(awaitNoVerifierThread(java.time.Duration.ofSeconds(2))).as("verifier thread stopped").isTrue();
        assertThat(verifier.snapshot().attempts()).isZero();
        assertThat(simulator.counters().agentRequests()).isZero();
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isZero();
    }

    /**
     * The test class path without the beans of Micronaut's Netty HTTP server (its only {@link EmbeddedApplication}):
     * Micronaut finds bean definitions through {@code META-INF/micronaut/} resources, which this hides for that jar.
     */
    private static final class WithoutNettyServerBeans extends ClassLoader {

        WithoutNettyServerBeans(ClassLoader parent) {
            super(parent);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            List<URL> urls = Collections.list(super.getResources(name));
            if (name.startsWith("META-INF/micronaut/")) {
                urls.removeIf(url -> url.toString().contains("micronaut-http-server-netty"));
            }
            return Collections.enumeration(urls);
        }
    }

    /**
     * The application's credentials provider (so the one role-probe verifies), which also listens, before every other
     * listener, for the server's start: it records what the verifier had done by then and whether the first
     * resolution came after it.
     */
    @Singleton
    @Requires(property = RECORDER, value = "true")
    static final class StartOrderRecorder
            implements AwsCredentialsProvider, ApplicationEventListener<ServerStartupEvent>, Ordered {

        private final BeanContext context;
        private final AtomicInteger resolutions = new AtomicInteger();
        private volatile boolean serverStarted;
        private volatile Long attemptsWhenTheServerStarted;
        private volatile Integer resolutionsWhenTheServerStarted;
        private volatile Boolean serverHadStartedAtTheFirstResolution;
        private volatile ContainerCredentialsProvider delegate;

        StartOrderRecorder(BeanContext context) {
            this.context = context;
        }

        @Override
        public int getOrder() {
            return HIGHEST_PRECEDENCE;
        }

        @Override
        public void onApplicationEvent(ServerStartupEvent event) {
            attemptsWhenTheServerStarted = context.getBean(IdentityVerifier.class).snapshot().attempts();
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

        @PreDestroy
        synchronized void close() {
            if (delegate != null) {
                delegate.close();
            }
        }
    }
}
