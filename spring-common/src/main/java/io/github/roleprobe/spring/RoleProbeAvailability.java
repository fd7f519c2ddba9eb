package io.github.roleprobe.spring;

import io.github.roleprobe.verify.AttemptReport;
import io.github.roleprobe.verify.VerificationListener;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerifierScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.AvailabilityState;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Ties Spring Boot's application availability ({@link ApplicationAvailability}) to the verifier, so that the
 * standard probes ({@code /actuator/health/readiness} and {@code /actuator/health/liveness}, {@code /readyz} and
 * {@code /livez}, and any health group that includes {@code readinessState} / {@code livenessState}) follow
 * role-probe with no configuration.
 *
 * <ul>
 *   <li><b>Readiness</b>: while the latest snapshot is not {@link VerificationSnapshot#ready() ready}, whenever the
 *       application's readiness is {@link ReadinessState#ACCEPTING_TRAFFIC} (Spring Boot publishes it once the
 *       application has started), this publishes {@link ReadinessState#REFUSING_TRAFFIC}. Once verified, it publishes
 *       {@code ACCEPTING_TRAFFIC} again, but only if the last readiness change was its own: a refusal published by
 *       someone else (the application, or Spring Boot during graceful shutdown) is never overridden. Before the
 *       application has started nothing is published: the readiness state is still Spring Boot's own
 *       {@code REFUSING_TRAFFIC} default.</li>
 *   <li><b>Liveness</b>: {@link LivenessState#BROKEN} exactly when the snapshot's liveness deadline has passed
 *       ({@link VerificationSnapshot#live(Instant)}, a restart-fixable wrong identity lasting longer than
 *       {@code role-probe.liveness-grace}); {@link LivenessState#CORRECT} again when that ends, if the last liveness
 *       change was its own. A check is scheduled for the deadline, so liveness fails on time and not only at the
 *       verifier's next attempt.</li>
 * </ul>
 *
 * <p>It follows every finished attempt and every state change between attempts, such as the one the request guard
 * publishes when an application's own AWS SDK client signs with the node role: readiness is refused right after, on the
 * verifier's thread, not at the next attempt.
 *
 * <p>Spring Boot publishes {@code ACCEPTING_TRAFFIC} (and {@code LivenessState.CORRECT}) itself during startup. This
 * listener reacts to those events after {@link ApplicationAvailability} recorded them and re-asserts the refusal in
 * the same call, so the refusal wins without a window. (It is created after the {@code ApplicationAvailability} bean
 * and so is called after it; should another ordering ever occur, the re-assertion runs at once on the verifier
 * thread instead.)
 *
 * <p>Thread-safe: decisions and publications are serialised.
 */
public class RoleProbeAvailability implements VerificationListener, ApplicationListener<ApplicationEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(RoleProbeAvailability.class);

    private final ApplicationEventPublisher publisher;
    private final ApplicationAvailability availability;
    private final Object lock = new Object();

    private volatile VerificationSnapshot latest;
    private volatile Clock clock = Clock.systemUTC();
    private volatile VerifierScheduler scheduler;
    private volatile boolean closed;
    private VerifierScheduler.Cancellable livenessCheck;

    /**
     * @param publisher where availability changes are published (the application context)
     * @param availability the application's availability, read before every change
     */
    public RoleProbeAvailability(ApplicationEventPublisher publisher, ApplicationAvailability availability) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.availability = Objects.requireNonNull(availability, "availability");
    }

    /**
     * Connects to the verifier before it starts.
     *
     * @param verifierClock the verifier's clock, for liveness deadlines
     * @param verifierScheduler the verifier's scheduler, used for deadline checks; shut down with the verifier
     */
    void attach(Clock verifierClock, VerifierScheduler verifierScheduler) {
        this.clock = Objects.requireNonNull(verifierClock, "verifierClock");
        this.scheduler = Objects.requireNonNull(verifierScheduler, "verifierScheduler");
    }

    @Override
    public void attemptFinished(AttemptReport report) {
        follow(report.current());
    }

    /**
     * Follows a state change between attempts too: the request guard publishes one when an application client signs
     * with a wrong identity (or, once wrong, with an expected role), and the next attempt may be a refresh interval
     * away.
     */
    @Override
    public void stateChanged(VerificationSnapshot previous, VerificationSnapshot current) {
        follow(current);
    }

    private void follow(VerificationSnapshot current) {
        latest = current;
        reconcile();
        scheduleLivenessCheck(current);
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ContextClosedEvent) {
            closed = true;
            return;
        }
        VerifierScheduler s = scheduler;
        if (!(event instanceof AvailabilityChangeEvent<?> change) || change.getSource() == this || s == null) {
            return;
        }
        Class<? extends AvailabilityState> type = stateType(change.getState());
        if (availability.getLastChangeEvent(type) == change) {
            reconcile();
        } else {
            // ApplicationAvailability has not recorded this event yet: a re-assertion now would be overwritten.
            LOG.debug("role-probe re-asserts the {} state after {} on the verifier thread", type.getSimpleName(),
                    change.getState());
            try {
                s.schedule(this::reconcile, Duration.ZERO);
            } catch (RejectedExecutionException e) {
                // The verifier is closed: nothing to re-assert.
            }
        }
    }

    /** Publishes the readiness and liveness states the latest snapshot calls for, if they differ. */
    void reconcile() {
        synchronized (lock) {
            if (closed || scheduler == null) {
                return;
            }
            VerificationSnapshot snapshot = latest;
            boolean ready = snapshot != null && snapshot.ready();
            boolean live = snapshot == null || snapshot.live(clock);

            AvailabilityChangeEvent<ReadinessState> readiness = availability.getLastChangeEvent(ReadinessState.class);
            if (readiness != null) {
                if (!ready && readiness.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
                    publish(ReadinessState.REFUSING_TRAFFIC);
                } else if (ready && readiness.getState() == ReadinessState.REFUSING_TRAFFIC
                        && readiness.getSource() == this) {
                    publish(ReadinessState.ACCEPTING_TRAFFIC);
                }
            }
            AvailabilityChangeEvent<LivenessState> liveness = availability.getLastChangeEvent(LivenessState.class);
            if (liveness != null) {
                if (!live && liveness.getState() == LivenessState.CORRECT) {
                    publish(LivenessState.BROKEN);
                } else if (live && liveness.getState() == LivenessState.BROKEN && liveness.getSource() == this) {
                    publish(LivenessState.CORRECT);
                }
            }
        }
    }

    private void publish(AvailabilityState state) {
        LOG.debug("role-probe sets {} {}", state.getClass().getSimpleName(), state);
        AvailabilityChangeEvent.publish(publisher, this, state);
    }

    private void scheduleLivenessCheck(VerificationSnapshot snapshot) {
        synchronized (lock) {
            if (livenessCheck != null) {
                livenessCheck.cancel();
                livenessCheck = null;
            }
            VerifierScheduler s = scheduler;
            Instant deadline = snapshot.livenessDeadline().orElse(null);
            if (s == null || deadline == null || closed) {
                return;
            }
            Duration delay = Duration.between(clock.instant(), deadline);
            if (!delay.isNegative()) {
                try {
                    livenessCheck = s.schedule(this::reconcile, delay.plusMillis(1));
                } catch (RejectedExecutionException e) {
                    // The verifier is closing.
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends AvailabilityState> stateType(AvailabilityState state) {
        Class<?> type = state instanceof Enum<?> e ? e.getDeclaringClass() : state.getClass();
        return (Class<? extends AvailabilityState>) type;
    }
}
