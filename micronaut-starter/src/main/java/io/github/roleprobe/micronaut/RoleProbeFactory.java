package io.github.roleprobe.micronaut;

import io.github.roleprobe.verify.RoleProbeActivation;

import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.LoggingListener;
import io.github.roleprobe.verify.VerificationListener;
import io.github.roleprobe.verify.VerifierScheduler;
import io.micronaut.context.BeanContext;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.DisabledBeanException;
import io.micronaut.context.exceptions.NonUniqueBeanException;
import io.micronaut.core.util.StringUtils;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;

/**
 * Creates role-probe's beans unless {@code role-probe.enabled} is {@code false}:
 *
 * <ul>
 *   <li>{@link RoleProbeActivation}: validates the {@code role-probe.*} settings and decides whether a verifier
 *       runs. An invalid setting fails the application's startup with core's message (setting, value,
 *       example).</li>
 *   <li>{@link IdentityVerifier}: a {@link Context}-scoped singleton, created while the application context
 *       starts (state {@code PENDING}, readiness DOWN) and started once the application has started: when its
 *       embedded application (the HTTP server) reports its start ({@code ApplicationStartupEvent}, of which
 *       {@code ServerStartupEvent} is one), or when the context has started ({@code StartupEvent}) if it has no
 *       {@code EmbeddedApplication} bean; and, so that it never waits forever, at the latest
 *       {@code role-probe.application-start-timeout} after the context started (an embedded application that is
 *       never started). This way, loading the AWS SDK for the first attempt does not slow the application's
 *       start-up.
 *       Closed (background thread stopped) when the context closes. It verifies the application's own
 *       credentials provider bean (see below), else the SDK default credential provider chain. It is absent when
 *       role-probe is inactive (see {@link RoleProbeActivation}). Every {@link VerificationListener} bean listens to
 *       it (role-probe's metrics are one, see {@link RoleProbeMetricsFactory}).</li>
 * </ul>
 *
 * <p>Which provider is verified, in this order:
 * <ol>
 *   <li>the only {@link AwsCredentialsProvider} bean, or the one marked {@code @Primary} among several;</li>
 *   <li>among several with none {@code @Primary}: the only {@link AwsCredentialsProviderChain} bean. With Micronaut
 *       AWS ({@code micronaut-aws-sdk-v2}) that is its {@code awsCredentialsProvider} (built by its
 *       {@code CredentialsAndRegionFactory}: its {@code EnvironmentAwsCredentialsProvider}, then the SDK's
 *       {@code DefaultCredentialsProvider.create()}), the bean its client factories ({@code AwsClientFactory}) inject
 *       by that type, so the provider every Micronaut AWS client signs with, even when the application defines
 *       another provider for a client of its own. Logged once at INFO;</li>
 *   <li>else (several and none of these rules decides) the SDK default credential provider chain, with a WARN
 *       that names the beans found and asks for {@code @Primary}.</li>
 * </ol>
 * No provider is resolved while the bean is chosen: the first resolution is the verifier's first attempt. An
 * application provider is resolved as it is, never rebuilt: Micronaut AWS's chain ends in
 * {@code DefaultCredentialsProvider.create()}, one chain for the whole JVM, which keeps the provider that answered
 * first (the instance profile, if it resolved before the EKS Pod Identity association was effective) beyond the
 * application context; such a wrong identity fails liveness after {@code role-probe.liveness-grace}, since only a
 * new JVM gets a new chain.
 *
 * <p>A {@link PodEnvironment} bean, when the application context has one, replaces the process environment
 * (tests use it to simulate {@code KUBERNETES_SERVICE_HOST}).
 *
 * <p>Stateless; Micronaut calls the factory methods while it creates the beans. The beans themselves are
 * thread-safe.
 */
@Factory
@Requires(property = RoleProbeConfiguration.ENABLED, notEquals = StringUtils.FALSE)
public class RoleProbeFactory {

    private static final Logger LOG = LoggerFactory.getLogger(RoleProbeFactory.class);

    /**
     * Validates the configuration and decides whether role-probe is active. Logs once, at INFO, when inactive.
     *
     * @param configuration the bound {@code role-probe.*} settings
     * @param environment a {@link PodEnvironment} bean, if the application has one; else the process environment
     * @return the decision; a singleton
     * @throws io.github.roleprobe.config.InvalidSettingException when a setting is invalid (wrapped by Micronaut
     *     in a {@code BeanInstantiationException} whose message chain keeps core's message)
     */
    @Singleton
    RoleProbeActivation roleProbeActivation(RoleProbeConfiguration configuration,
                                            Optional<PodEnvironment> environment) {
        RoleProbeActivation activation = RoleProbeActivation.decide(configuration.toRoleProbeConfig(),
                environment.orElseGet(PodEnvironment::system));
        activation.inactiveReason().ifPresent(LOG::info);
        return activation;
    }

    /**
     * Creates the verifier and hands it to {@code starter}, which starts it once the application has started: the
     * first attempt then runs on the verifier's own daemon thread, so neither start-up nor any probe waits for the
     * network, and loading the AWS SDK for that attempt does not slow the application's start-up. Runs while the
     * application context starts ({@link Context} scope).
     *
     * @param activation the decision; when inactive the bean is disabled (absent)
     * @param credentialsProviders the application's {@link AwsCredentialsProvider} beans, if any
     * @param credentialsChains the application's {@link AwsCredentialsProviderChain} beans (Micronaut AWS's
     *     {@code awsCredentialsProvider} is one), consulted only among several providers with none {@code @Primary}
     * @param beanContext the context, to name the provider beans found when none can be chosen
     * @param listeners every {@link VerificationListener} bean (for example role-probe's metrics), registered
     *     before the first attempt
     * @param starter starts the verifier when the application has started
     * @return the verifier, not started yet (state {@code PENDING}); closed by the context on shutdown
     * @throws DisabledBeanException when role-probe is inactive, so that no verifier bean exists
     */
    @Context
    @Bean(preDestroy = "close")
    IdentityVerifier identityVerifier(RoleProbeActivation activation,
                                      BeanProvider<AwsCredentialsProvider> credentialsProviders,
                                      BeanProvider<AwsCredentialsProviderChain> credentialsChains,
                                      BeanContext beanContext,
                                      List<VerificationListener> listeners,
                                      VerifierStarter starter) {
        if (!activation.active()) {
            throw new DisabledBeanException(activation.inactiveReason().orElse("role-probe is inactive"));
        }
        VerifierScheduler scheduler = VerifierScheduler.daemonThread();
        IdentityVerifier.Builder builder = IdentityVerifier.builder()
                .config(activation.config())
                .environment(activation.environment())
                .credentials(applicationCredentials(credentialsProviders, credentialsChains, beanContext))
                .scheduler(scheduler)
                .listener(new LoggingListener());
        listeners.forEach(builder::listener);
        IdentityVerifier verifier = builder.build();
        starter.manage(verifier, scheduler);
        return verifier;
    }

    /** Chooses the provider to verify (see the class documentation); creates the chosen bean, never resolves it. */
    private static ApplicationCredentials applicationCredentials(BeanProvider<AwsCredentialsProvider> providers,
                                                         BeanProvider<AwsCredentialsProviderChain> chains,
                                                         BeanContext beanContext) {
        try {
            return providers.find(null).map(ApplicationCredentials::of).orElseGet(ApplicationCredentials::defaultChain);
        } catch (NonUniqueBeanException several) {
            // Several providers, none @Primary: the chain Micronaut AWS's clients use, if there is exactly one.
        }
        Optional<AwsCredentialsProviderChain> chain;
        try {
            chain = chains.find(null);
        } catch (NonUniqueBeanException e) {
            chain = Optional.empty();
        }
        String found = providerBeans(beanContext);
        if (chain.isPresent()) {
            LOG.info("role-probe found several AwsCredentialsProvider beans ({}) and none is @Primary; it verifies the"
                    + " only AwsCredentialsProviderChain bean, the one Micronaut AWS's client factories use (its"
                    + " awsCredentialsProvider). Mark the provider your clients use @Primary to verify another one.",
                    found);
            return ApplicationCredentials.of(chain.get());
        }
        LOG.warn("role-probe found several AwsCredentialsProvider beans ({}), none is @Primary and not exactly one is"
                + " an AwsCredentialsProviderChain; it verifies the SDK default credential provider chain instead. Mark"
                + " the provider your clients use @Primary.", found);
        return ApplicationCredentials.defaultChain();
    }

    /** @return the provider beans' types, for example {@code AwsCredentialsProviderChain, StaticCredentialsProvider} */
    private static String providerBeans(BeanContext beanContext) {
        return beanContext.getBeanDefinitions(AwsCredentialsProvider.class).stream()
                .map(d -> d.getBeanType().getSimpleName())
                .sorted()
                .collect(Collectors.joining(", "));
    }
}
