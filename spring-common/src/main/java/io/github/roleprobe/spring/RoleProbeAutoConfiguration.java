package io.github.roleprobe.spring;

import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.LoggingListener;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.github.roleprobe.verify.VerificationListener;
import io.github.roleprobe.verify.VerifierScheduler;
import java.time.Clock;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Auto-configures the role-probe verifier unless {@code role-probe.enabled} is {@code false}. Needs no actuator.
 *
 * <ul>
 *   <li>{@link RoleProbeActivation}: validates the {@code role-probe.*} settings ({@link RoleProbeProperties}) and
 *       decides whether a verifier runs. An invalid setting fails the application's startup with core's message
 *       (setting, value, example), reported by {@link InvalidSettingFailureAnalyzer}. Outside Kubernetes with no
 *       expected role, role-probe is inactive and logs why, once.</li>
 *   <li>{@link IdentityVerifier}: created with the application context (state {@code PENDING}) and started once the
 *       context has been refreshed, after the embedded web server started (a lifecycle bean in the last phase,
 *       {@link SmartLifecycle#DEFAULT_PHASE}), so that loading the AWS SDK for its first attempt does not slow the
 *       application's start-up; the attempt runs on the verifier's own daemon thread, so nothing waits for the
 *       network. Closed with the context. It verifies the
 *       application's {@link AwsCredentialsProvider} bean when there is a unique or {@code @Primary} one, or else
 *       one named {@value #SPRING_CLOUD_AWS_PROVIDER} (Spring Cloud AWS); otherwise the SDK default credential
 *       provider chain. Every {@link VerificationListener} bean is registered with it, as is core's
 *       {@link LoggingListener} (each state change logged once). When role-probe is inactive the factory method
 *       returns {@code null}: injection points and {@code ObjectProvider#getIfAvailable()} see no verifier.</li>
 *   <li>{@link RoleProbeAvailability}: drives Spring Boot's readiness and liveness availability states from the
 *       verifier, which is what {@code /actuator/health/readiness} and {@code /actuator/health/liveness} report.</li>
 * </ul>
 *
 * <p>A {@link PodEnvironment} bean, when the application has one, replaces the process environment (tests use it to
 * simulate {@code KUBERNETES_SERVICE_HOST}). Health indicators are in {@link RoleProbeHealthAutoConfiguration}.
 */
@AutoConfiguration(after = ApplicationAvailabilityAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = RoleProbeProperties.ENABLED, matchIfMissing = true)
@EnableConfigurationProperties(RoleProbeProperties.class)
public class RoleProbeAutoConfiguration {

    /** Name of the credentials provider bean that Spring Cloud AWS defines: {@value}. */
    public static final String SPRING_CLOUD_AWS_PROVIDER = "credentialsProvider";

    private static final Logger LOG = LoggerFactory.getLogger(RoleProbeAutoConfiguration.class);

    /**
     * Validates the configuration and decides whether role-probe is active. Logs once, at INFO, when inactive.
     *
     * @param properties the bound {@code role-probe.*} settings
     * @param environment a {@link PodEnvironment} bean, if the application has one
     * @return the decision
     * @throws io.github.roleprobe.config.InvalidSettingException when a setting is invalid
     */
    @Bean
    @ConditionalOnMissingBean
    RoleProbeActivation roleProbeActivation(RoleProbeProperties properties, ObjectProvider<PodEnvironment> environment) {
        RoleProbeActivation activation = RoleProbeActivation.decide(properties.toRoleProbeConfig(),
                environment.getIfAvailable(PodEnvironment::system));
        activation.inactiveReason().ifPresent(LOG::info);
        return activation;
    }

    /**
     * Bridges the verifier to Spring Boot's application availability.
     *
     * @param publisher the application context
     * @param availability the application's availability
     * @return the bridge, registered with the verifier as a listener
     */
    @Bean
    @ConditionalOnBean(ApplicationAvailability.class)
    @ConditionalOnMissingBean
    RoleProbeAvailability roleProbeAvailability(ApplicationEventPublisher publisher,
                                                ApplicationAvailability availability) {
        return new RoleProbeAvailability(publisher, availability);
    }

    /**
     * Starts the verifier that {@link #identityVerifier} builds once the context has been refreshed (the last
     * lifecycle phase, after the embedded web server's).
     *
     * @return the lifecycle bean; it starts nothing when role-probe is inactive or the application defines its own
     *     {@link IdentityVerifier} bean
     */
    @Bean
    VerifierStart roleProbeVerifierStart() {
        return new VerifierStart();
    }

    /**
     * Creates the verifier; {@code verifierStart} starts it once the context has been refreshed.
     *
     * @param activation the decision; when inactive no verifier is created
     * @param credentialsProviders the application's {@link AwsCredentialsProvider} beans, if any
     * @param listeners every {@link VerificationListener} bean, in order
     * @param beanFactory to find the Spring Cloud AWS provider among several
     * @param verifierStart the {@link #roleProbeVerifierStart()} bean
     * @return the verifier, not started yet (state {@code PENDING}) and closed by the context; {@code null} when
     *     role-probe is inactive
     */
    @Bean
    @ConditionalOnMissingBean
    IdentityVerifier identityVerifier(RoleProbeActivation activation,
                                      ObjectProvider<AwsCredentialsProvider> credentialsProviders,
                                      ObjectProvider<VerificationListener> listeners,
                                      ListableBeanFactory beanFactory,
                                      VerifierStart verifierStart) {
        if (!activation.active()) {
            return null;
        }
        Clock clock = Clock.systemUTC();
        VerifierScheduler scheduler = VerifierScheduler.daemonThread();
        IdentityVerifier.Builder builder = IdentityVerifier.builder()
                .config(activation.config())
                .environment(activation.environment())
                .credentials(applicationCredentials(credentialsProviders, beanFactory))
                .clock(clock)
                .scheduler(scheduler)
                .listener(new LoggingListener());
        listeners.orderedStream().forEach(listener -> {
            if (listener instanceof RoleProbeAvailability bridge) {
                bridge.attach(clock, scheduler);
            }
            builder.listener(listener);
        });
        IdentityVerifier verifier = builder.build();
        verifierStart.manage(verifier);
        return verifier;
    }

    private static ApplicationCredentials applicationCredentials(ObjectProvider<AwsCredentialsProvider> providers,
                                                                 ListableBeanFactory beanFactory) {
        AwsCredentialsProvider unique = providers.getIfUnique();
        if (unique != null) {
            return ApplicationCredentials.of(unique);
        }
        String[] names = beanFactory.getBeanNamesForType(AwsCredentialsProvider.class);
        if (names.length == 0) {
            return ApplicationCredentials.defaultChain();
        }
        if (Arrays.asList(names).contains(SPRING_CLOUD_AWS_PROVIDER)) {
            return ApplicationCredentials.of(beanFactory.getBean(SPRING_CLOUD_AWS_PROVIDER, AwsCredentialsProvider.class));
        }
        LOG.warn("role-probe found several AwsCredentialsProvider beans {} and none is @Primary or named '{}'; it"
                + " verifies the SDK default credential provider chain instead. Mark the provider your clients use"
                + " @Primary.", Arrays.toString(names), SPRING_CLOUD_AWS_PROVIDER);
        return ApplicationCredentials.defaultChain();
    }
}
