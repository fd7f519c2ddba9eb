package io.github.roleprobe.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.kubernetes.admission.AdmissionObjects;
import io.github.roleprobe.kubernetes.admission.AdmissionPolicy;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.kubernetes.sim.Admission.Injection;
import io.github.roleprobe.kubernetes.sim.ControllerRateLimiter;
import io.github.roleprobe.kubernetes.sim.EksWebhook;
import io.github.roleprobe.kubernetes.sim.ReplicaSetController;
import io.github.roleprobe.kubernetes.sim.ReplicaSetController.Attempt;
import io.github.roleprobe.kubernetes.sim.Scale;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The ReplicaSet controller model with the kit's admission policy, on a virtual clock (deterministic, no
 * JVMs): the real rate limiter's numbers, and what the policy changes: pods refused until the webhook sees
 * the association, then exactly one pod, with its credentials.
 */
class ReplicaSetBackOffTest {

    static AdmissionPolicy policy;
    static JsonNode deployment;
    static JsonNode orders = AdmissionObjects.namespace("orders", Map.of());

    @BeforeAll
    static void render() {
        policy = AdmissionPolicy.fromKit();
        deployment = Rendered.of(Path.of("micronaut", "overlays", "pod-identity")).deployment();
    }

    /** A clock whose sleeps take no time. */
    static final class VirtualClock implements ReplicaSetController.Clock {
        long now;

        @Override
        public long nowMillis() {
            return now;
        }

        @Override
        public void sleepMillis(long millis) {
            now += millis;
        }
    }

    record Run(List<Attempt> attempts, List<Injection> created) {
    }

    static Run run(AdmissionPolicy p, long visibleAtMillis, Duration timeout) {
        VirtualClock clock = new VirtualClock();
        List<Injection> created = new ArrayList<>();
        ReplicaSetController rs = new ReplicaSetController(deployment, EksWebhook.podIdentityVisibleAt(clock::nowMillis,
                visibleAtMillis), p, orders, Scale.realTime(), clock, null, (name, injection) -> created.add(injection));
        return new Run(rs.createFirstPod(timeout), created);
    }

    @Test
    void theRateLimiterIsClientGosDefaultControllerRateLimiter() {
        ControllerRateLimiter l = new ControllerRateLimiter();
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            delays.add(l.when("orders/rs", i * 100_000_000_000L).toMillis()); // 100 s apart: the bucket is full
        }
        assertThat(delays.subList(0, 5)).containsExactly(5L, 10L, 20L, 40L, 80L);
        assertThat(delays.get(17)).isEqualTo(655_360L);
        assertThat(delays.get(18)).as("capped").isEqualTo(1_000_000L);
        l.forget("orders/rs");
        assertThat(l.when("orders/rs", 2_000_000_000_000L).toMillis()).isEqualTo(5L);

        // The overall bucket (10/s, burst 100) only matters when many items fail at once.
        ControllerRateLimiter shared = new ControllerRateLimiter();
        for (int i = 0; i < 100; i++) {
            assertThat(shared.when("ns/rs-" + i, 0).toMillis()).isEqualTo(5L);
        }
        assertThat(shared.when("ns/rs-100", 0).toMillis()).isEqualTo(100L);
        assertThat(shared.when("ns/rs-101", 0).toMillis()).isEqualTo(200L);
    }

    @Test
    void withThePolicyThePodsAreRefusedUntilTheWebhookSeesTheAssociationThenOnePodWithItsCredentials() {
        Run r = run(policy, 10_000, Duration.ofMinutes(5));
        List<Attempt> a = r.attempts();
        assertThat(a).map(Attempt::atMillis).containsExactly(0L, 0L, 5L, 25L, 65L, 145L, 305L, 625L, 1265L, 2545L, 5105L, 10225L);
        assertThat(a.subList(0, 11)).allSatisfy(x -> {
            assertThat(x.created()).isFalse();
            assertThat(x.injection()).isEqualTo(Injection.NONE);
            assertThat(x.error()).contains("is forbidden: ValidatingAdmissionPolicy 'role-probe-credentials-injected'")
                    .contains("no EKS Pod Identity credentials in container app");
        });
        assertThat(a.get(1).trigger()).contains("ReplicaFailure condition added");
        assertThat(a).map(x -> x.requeueAfter().toMillis()).containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 320L, 640L, 1280L,
                2560L, 5120L, 0L);
        assertThat(a.get(11).created()).isTrue();
        assertThat(a.get(11).injection()).isEqualTo(Injection.POD_IDENTITY);
        assertThat(r.created()).as("pods that exist: one, with its credentials").containsExactly(Injection.POD_IDENTITY);
    }

    @Test
    void withoutThePolicyTheFirstPodIsCreatedAtOnceWithoutCredentials() {
        Run r = run(null, 10_000, Duration.ofMinutes(5));
        assertThat(r.attempts()).singleElement().satisfies(x -> {
            assertThat(x.atMillis()).isZero();
            assertThat(x.created()).isTrue();
        });
        assertThat(r.created()).as("the NOT_INJECTED pod").containsExactly(Injection.NONE);
    }

    @Test
    void whenTheWebhookAlreadySeesTheAssociationThePolicyChangesNothing() {
        Run r = run(policy, 0, Duration.ofMinutes(5));
        assertThat(r.attempts()).singleElement().satisfies(x -> assertThat(x.created()).isTrue());
        assertThat(r.created()).containsExactly(Injection.POD_IDENTITY);
    }

    @Test
    void afterALongWebhookOutageTheRetriesAreAtMost1000SecondsApart() {
        Run r = run(policy, Duration.ofMinutes(30).toMillis(), Duration.ofHours(2));
        List<Attempt> a = r.attempts();
        Attempt created = a.get(a.size() - 1);
        assertThat(created.created()).isTrue();
        assertThat(a).filteredOn(x -> !x.created()).map(x -> x.requeueAfter().toSeconds()).allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(1000));
        long late = created.atMillis() - Duration.ofMinutes(30).toMillis();
        assertThat(late).as("pod created this long after the webhook came back").isBetween(0L, 1_000_000L);
        assertThat(r.created()).containsExactly(Injection.POD_IDENTITY);
        System.out.printf("webhook back at 30 min: %d refused creates, pod created at %.1f s (%.1f s after)%n", a.size() - 1,
                created.atMillis() / 1000.0, late / 1000.0);
    }
}
