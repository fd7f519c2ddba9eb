package io.github.roleprobe.micronaut;

import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerifierScheduler;
import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.util.StringUtils;
import io.micronaut.runtime.EmbeddedApplication;
import io.micronaut.runtime.event.ApplicationStartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the verifier that {@link RoleProbeFactory} built once the application has started, so that its first
 * attempt, which loads the AWS SDK (about 1,400 classes: the STS client, the default credential chain, endpoint
 * rules), does not compete with the application's own start-up for CPU (it still costs that CPU once, right after:
 * docs/performance.md, section 6). Until then the verifier's snapshot is
 * {@code PENDING}: readiness DOWN, liveness UP, and no credential resolution, no STS call.
 *
 * <ul>
 *   <li>When the context has an {@link EmbeddedApplication} bean (the HTTP server, a messaging application): on the
 *       {@link ApplicationStartupEvent} it publishes once started (an HTTP server's {@code ServerStartupEvent} is
 *       one), i.e. after the server listens.</li>
 *   <li>When it has none (a plain {@code ApplicationContext.run()}, a command-line application): on the context's
 *       {@link StartupEvent}, once every {@code @Context} bean exists.</li>
 *   <li>So that no verifier waits forever, when an {@link EmbeddedApplication} bean exists but no
 *       {@link ApplicationStartupEvent} arrives within {@code role-probe.application-start-timeout} (default 30 s)
 *       of the {@link StartupEvent} (the application is never started, as in a test that uses the context without
 *       its server, or it does not publish the event), the verifier starts then, and logs why at INFO. The wait
 *       runs on the verifier's own thread and ends with the verifier.</li>
 * </ul>
 *
 * <p>Code that needs a verification before any of these may call {@link IdentityVerifier#start()} or
 * {@link IdentityVerifier#verifyNow()} itself: starting is idempotent.
 *
 * <p>Thread-safe: the events and the timeout may arrive on any thread.
 */
@Singleton
@Requires(property = RoleProbeConfiguration.ENABLED, notEquals = StringUtils.FALSE)
final class VerifierStarter {

    private static final Logger LOG = LoggerFactory.getLogger(VerifierStarter.class);

    private final BeanContext context;
    private final Duration applicationStartTimeout;
    private final Object lock = new Object();

    private IdentityVerifier verifier;
    private VerifierScheduler scheduler;
    private VerifierScheduler.Cancellable timeout;
    private boolean contextStarted;
    private boolean applicationStarted;

    /**
     * @param context the bean context, to find out whether it has an {@link EmbeddedApplication}
     * @param configuration the bound settings, for {@code role-probe.application-start-timeout}
     */
    VerifierStarter(BeanContext context, RoleProbeConfiguration configuration) {
        this.context = context;
        Duration configured = configuration.getApplicationStartTimeout();
        this.applicationStartTimeout = configured == null || configured.isNegative() ? Duration.ZERO : configured;
    }

    /**
     * Takes charge of starting {@code identityVerifier}. Called once, by {@link RoleProbeFactory}, before the
     * context's {@link StartupEvent}; should it come later, the verifier starts as the events already seen call for.
     *
     * @param identityVerifier the verifier, built but not started
     * @param verifierScheduler its scheduler, which also runs the start timeout
     */
    void manage(IdentityVerifier identityVerifier, VerifierScheduler verifierScheduler) {
        synchronized (lock) {
            verifier = identityVerifier;
            scheduler = verifierScheduler;
            if (applicationStarted) {
                verifier.start();
            } else if (contextStarted) {
                contextStarted();
            }
        }
    }

    /**
     * The context has started: every {@code @Context} bean, the verifier included, exists.
     *
     * @param event the context's startup event
     */
    @EventListener
    void onStartup(StartupEvent event) {
        synchronized (lock) {
            contextStarted = true;
            if (verifier != null && !applicationStarted) {
                contextStarted();
            }
        }
    }

    /**
     * The embedded application (for example the HTTP server) has started.
     *
     * @param event its startup event; a {@code ServerStartupEvent} for an HTTP server
     */
    @EventListener
    void onApplicationStartup(ApplicationStartupEvent event) {
        synchronized (lock) {
            applicationStarted = true;
            if (verifier != null) {
                if (timeout != null) {
                    timeout.cancel();
                    timeout = null;
                }
                verifier.start();
            }
        }
    }

    // Caller holds lock; verifier is set and the application has not reported its start.
    private void contextStarted() {
        if (applicationStartTimeout.isZero() || !context.containsBean(EmbeddedApplication.class)) {
            verifier.start();
            return;
        }
        if (timeout == null) {
            try {
                timeout = scheduler.schedule(this::applicationStartTimedOut, applicationStartTimeout);
            } catch (RejectedExecutionException e) {
                // The verifier is closed already: there is nothing to start.
            }
        }
    }

    private void applicationStartTimedOut() {
        synchronized (lock) {
            timeout = null;
            if (applicationStarted) {
                return;
            }
            LOG.info("role-probe starts verifying although the application has not reported its start (no"
                    + " ApplicationStartupEvent) within {} ms of the context's start ({}). It waits no longer so that"
                    + " readiness is not held forever by an embedded application that is never started.",
                    applicationStartTimeout.toMillis(), RoleProbeConfiguration.APPLICATION_START_TIMEOUT);
            verifier.start();
        }
    }
}
