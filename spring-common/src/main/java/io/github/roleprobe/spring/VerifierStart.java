package io.github.roleprobe.spring;

import io.github.roleprobe.verify.IdentityVerifier;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the verifier that {@link RoleProbeAutoConfiguration} built once the application context has been
 * refreshed: every singleton exists and the embedded web server, if any, has started (its lifecycle phase,
 * {@code WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE}, comes before this one, the last). The first
 * attempt, which loads the AWS SDK (about 1,400 classes: the STS client, the default credential chain, endpoint
 * rules), so does not compete with the application's start-up for CPU (it still costs that CPU once, right after:
 * docs/performance.md, section 6). Until then the snapshot is {@code PENDING};
 * readiness is {@code REFUSING_TRAFFIC} anyway, Spring Boot's default until the application is ready.
 *
 * <p>A lifecycle bean rather than a listener of {@code ApplicationStartedEvent} (which Spring Boot publishes at about
 * the same moment, right after the refresh): every application context refreshes, also one that no
 * {@code SpringApplication} runs ({@code ApplicationContextRunner}, a plain {@code AnnotationConfigApplicationContext}),
 * so no verifier waits for an event that never comes.
 *
 * <p>It starts only the verifier the auto-configuration built, never an {@link IdentityVerifier} bean of the
 * application's own. {@link #stop()} does not stop the verifier (it cannot be paused): the verifier is closed with the
 * context. Thread-safe.
 */
final class VerifierStart implements SmartLifecycle {

    private final Object lock = new Object();
    private IdentityVerifier verifier;
    private boolean running;

    /**
     * Takes charge of starting {@code identityVerifier}; starts it at once if the context has started already (a
     * lazily created verifier).
     *
     * @param identityVerifier the verifier, built but not started
     */
    void manage(IdentityVerifier identityVerifier) {
        synchronized (lock) {
            verifier = identityVerifier;
            if (running) {
                verifier.start();
            }
        }
    }

    /** Starts the verifier, if role-probe is active. */
    @Override
    public void start() {
        synchronized (lock) {
            running = true;
            if (verifier != null) {
                verifier.start();
            }
        }
    }

    /** Marks this lifecycle stopped; the verifier keeps running until the context closes it. */
    @Override
    public void stop() {
        synchronized (lock) {
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (lock) {
            return running;
        }
    }

    /** @return {@link SmartLifecycle#DEFAULT_PHASE}: the last phase, after the embedded web server's */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE;
    }
}
