package io.github.roleprobe.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.github.roleprobe.kubernetes.manifest.Kustomize;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.kubernetes.sim.Admission.Injection;
import io.github.roleprobe.kubernetes.sim.ApiServerReplicaSet;
import io.github.roleprobe.kubernetes.sim.DownwardApi;
import io.github.roleprobe.kubernetes.sim.EksWebhook;
import io.github.roleprobe.kubernetes.sim.Harness;
import io.github.roleprobe.kubernetes.sim.HealthBody;
import io.github.roleprobe.kubernetes.sim.KubernetesApiServer;
import io.github.roleprobe.kubernetes.sim.SampleApp;
import io.github.roleprobe.kubernetes.sim.Scale;
import io.github.roleprobe.kubernetes.sim.SimulatedPod;
import io.github.roleprobe.kubernetes.sim.ProbeKind;
import io.github.roleprobe.testkit.EksPodSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kubelet probe-loop simulation with role-probe-heal's self-eviction, for clusters without role-probe's admission
 * policy: the Micronaut sample's Pod Identity overlay with the kit's self-eviction component
 * (components/self-eviction: ROLE_PROBE_HEAL_EVICT_NOT_INJECTED=true, POD_NAME and POD_NAMESPACE from the downward
 * API), the EKS webhook as in {@link AdmissionProbeLoopSimulationTest} but no admission policy, and a Kubernetes API
 * ({@link KubernetesApiServer}: fabric8's mock server in CRUD mode, with the Eviction subresource) that the sample's
 * own role-probe-heal calls and the simulated ReplicaSet controller ({@link ApiServerReplicaSet}) watches.
 * {@code role-probe.heal.after} is the library default (30 s) scaled like the kubelet, set through the pod env
 * ({@code ROLE_PROBE_HEAL_AFTER}); {@code max-evictions} and {@code window} keep their defaults (3 in 1 h).
 *
 * <p>The Micronaut sample only: the self-eviction is role-probe-heal's, the same in every framework, and the
 * starters' wiring of it is tested in the starters.
 */
class SelfEvictionProbeLoopSimulationTest {

    static final Scale SCALE = ProbeLoopSimulationTest.SCALE;
    static final Duration VISIBLE_AFTER = AdmissionProbeLoopSimulationTest.VISIBLE_AFTER;
    /** role-probe.heal.after: the library default, 30 s, scaled. */
    static final Duration HEAL_AFTER = SCALE.of(Duration.ofSeconds(30));
    /** The library's jitter: the wait is drawn from heal.after to 1.25 times it. */
    static final Duration HEAL_AFTER_MAX = HEAL_AFTER.multipliedBy(5).dividedBy(4);
    /** role-probe.heal.max-evictions, the library default. */
    static final int MAX_EVICTIONS = 3;
    /** Wall-clock instants of the app compared with the test's monotonic timeline: their drift over a run. */
    static final long CLOCK_SLACK_MS = 20;

    static List<SampleApp> apps() {
        return List.of(SampleApp.micronaut());
    }

    /** The app's Pod Identity overlay with {@code ../../../components/self-eviction} added, rendered from a copy. */
    static Rendered withSelfEviction(SampleApp app, Path tmp) throws IOException {
        Path copy = ManifestsTest.copyKit(tmp);
        Path overlay = copy.resolve(app.name() + "/overlays/pod-identity");
        Path kustomization = overlay.resolve("kustomization.yaml");
        String text = Files.readString(kustomization);
        assertThat(text).contains("\ncomponents:\n");
        Files.writeString(kustomization, text.replace("\ncomponents:\n",
                "\ncomponents:\n  - ../../../components/self-eviction\n"));
        return new Rendered(Path.of(app.name(), "overlays", "pod-identity+self-eviction"), Kustomize.render(overlay));
    }

    /**
     * The simulated EKS world in the manifest's region ({@link Harness#worldBuilder()} reads the literal env only, and
     * this Deployment's env has downward-API entries).
     */
    static EksPodSimulator.Builder world(Rendered r) {
        return EksPodSimulator.builder().region(DownwardApi.env(r.appContainer(), r.deployment().path("spec")
                .path("template")).getOrDefault("AWS_REGION", "us-east-1"));
    }

    /** The API server's address and the scaled heal.after, as the scenario adds them to the pod env. */
    static Map<String, String> scenarioEnv(KubernetesApiServer api) {
        Map<String, String> env = new LinkedHashMap<>(api.podEnvironment());
        env.put("ROLE_PROBE_HEAL_AFTER", HEAL_AFTER.toMillis() + "ms");
        return env;
    }

    static List<Event> selfEvictionEvents(KubernetesApiServer api, ApiServerReplicaSet rs) {
        return api.events(rs.namespace()).stream().filter(e -> "RoleProbeSelfEviction".equals(e.getReason())).toList();
    }

    /** @return the run's report and the last reason the app showed */
    static String report(Harness h) {
        List<SimulatedPod.Observation> all = h.observations();
        return h.report() + "\nlast reason: " + (all.isEmpty() ? "-"
                : HealthBody.field(all.get(all.size() - 1).details(), "reason").map(n -> n.asString("")).orElse("-"));
    }

    /** @return the first reason in the answers so far that contains {@code text} */
    static Optional<String> reasonContaining(Harness h, String text) {
        return h.observations().stream().map(o -> HealthBody.field(o.details(), "reason").map(n -> n.asString("")).orElse(""))
                .filter(r -> r.contains(text)).findFirst();
    }

    @ParameterizedTest
    @MethodSource("apps")
    void notInjectedPodEvictsItselfAfterHealAfterAndItsReplacementBecomesReadyWithNoHuman(SampleApp app, @TempDir Path tmp)
            throws IOException {
        Rendered r = withSelfEviction(app, tmp);
        try (Harness h = new Harness(r, app, SCALE, "self-eviction-visible-after-5s");
                KubernetesApiServer api = KubernetesApiServer.start(h.timeline())) {
            h.startWorld(world(r).podIdentity(ProbeLoopSimulationTest.roleArn(r)).associationConsistentAfter(VISIBLE_AFTER));
            long visibleAt = h.firstEvent("EKS world started") + VISIBLE_AFTER.toMillis();
            EksWebhook webhook = EksWebhook.podIdentityVisibleAt(h.timeline()::now, visibleAt);
            h.timeline().record("argocd", "Deployment applied; the webhook sees the association at " + visibleAt + " ms");
            try (ApiServerReplicaSet rs = new ApiServerReplicaSet(r, h, webhook, api, scenarioEnv(api), 4).start()) {
                assertThat(rs.awaitCreated(2, Duration.ofSeconds(120))).as(() -> report(h)).isTrue();
                ApiServerReplicaSet.Created first = rs.created().get(0);
                ApiServerReplicaSet.Created second = rs.created().get(1);
                assertThat(second.pod().awaitReady(Duration.ofSeconds(90))).as(h::report).isTrue();

                List<KubernetesApiServer.Eviction> evictions = api.evictions();
                long notInjectedSince = h.observations().stream()
                        .filter(o -> "NOT_INJECTED".equals(HealthBody.state(o.details())))
                        .map(o -> HealthBody.field(o.details(), "stateSince").map(n -> n.asString("")).orElse(""))
                        .filter(s -> !s.isEmpty()).mapToLong(s -> h.timeline().millis(Instant.parse(s))).min().orElse(-1);
                SoftAssertions soft = new SoftAssertions();
                soft.assertThat(first.injection()).as("the first pod was admitted before the webhook saw the association")
                        .isEqualTo(Injection.NONE);
                soft.assertThat(first.atMillis()).isLessThan(visibleAt);
                soft.assertThat(second.injection()).as("its replacement was admitted again, with the env")
                        .isEqualTo(Injection.POD_IDENTITY);
                soft.assertThat(rs.created()).as("no further pod").hasSize(2);
                soft.assertThat(evictions).as("exactly one eviction request").singleElement().satisfies(e -> {
                    assertThat(e.namespace()).isEqualTo("orders");
                    assertThat(e.pod()).isEqualTo(first.name());
                    assertThat(e.status()).isEqualTo(201);
                    assertThat(e.body()).contains("\"apiVersion\":\"policy/v1\"").contains("\"kind\":\"Eviction\"")
                            .contains("\"name\":\"" + first.name() + "\"").contains("\"namespace\":\"orders\"");
                });
                soft.assertThat(notInjectedSince).as("role-probe reported NOT_INJECTED in the first pod").isNotNegative();
                if (!evictions.isEmpty() && notInjectedSince >= 0) {
                    long waited = evictions.get(0).atMillis() - notInjectedSince;
                    soft.assertThat(waited).as("evicted not before role-probe.heal.after (%d ms) of NOT_INJECTED",
                            HEAL_AFTER.toMillis()).isGreaterThanOrEqualTo(HEAL_AFTER.toMillis() - CLOCK_SLACK_MS);
                    soft.assertThat(waited).as("and within its jitter, plus the API calls on a loaded machine")
                            .isLessThanOrEqualTo(HEAL_AFTER_MAX.toMillis() + ProbeLoopSimulationTest.COLD_ATTEMPT_MS);
                }
                soft.assertThat(reasonContaining(h, "Self-eviction (role-probe.heal.evict-not-injected=true)"))
                        .as("the first pod's reason said it would evict itself, with the heal.after the pod env set")
                        .hasValueSatisfying(reason -> assertThat(reason).endsWith("Self-eviction"
                                + " (role-probe.heal.evict-not-injected=true): this pod asks the Kubernetes Eviction API to"
                                + " evict it once this state has lasted role-probe.heal.after (" + HEAL_AFTER.toSeconds()
                                + "s), so that its ReplicaSet creates a new pod, which the EKS webhook admits again."));
                soft.assertThat(selfEvictionEvents(api, rs)).as("one RoleProbeSelfEviction Event, on the ReplicaSet")
                        .singleElement().satisfies(e -> {
                            assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
                            assertThat(e.getInvolvedObject().getName()).isEqualTo(rs.name());
                            assertThat(e.getInvolvedObject().getUid()).isEqualTo(rs.uid());
                            assertThat(e.getType()).isEqualTo("Warning");
                            assertThat(e.getMessage()).startsWith("Pod " + first.name() + " evicts itself: role-probe found"
                                    + " it NOT_INJECTED").endsWith("self-eviction 1 of at most 3 in 3600s.");
                        });
                soft.assertThat(rs.exists(first.name())).as("the evicted pod is gone").isFalse();
                soft.assertThat(first.pod().firstReadyAt()).as("the first pod was never Ready").isEqualTo(-1);
                soft.assertThat(first.pod().restarts()).as("no container restart of the first pod").isZero();
                soft.assertThat(second.pod().restarts()).isZero();
                soft.assertThat(second.pod().firstReadyAt()).as("Ready after it was created").isGreaterThan(second.atMillis());
                soft.assertThat(h.observations(ProbeKind.READINESS)).anySatisfy(o -> assertThat(o.success()).isTrue());
                ProbeLoopSimulationTest.assertAnswersAreRealEndpoints(soft, h);
                soft.assertAll();
                System.out.printf("[%s self-eviction-visible-after-5s] first pod created at %d ms (NOT_INJECTED since %d ms),"
                        + " evicted at %d ms, replacement created at %d ms, Ready at %d ms%n%s", app.name(),
                        first.atMillis(), notInjectedSince, evictions.get(0).atMillis(), second.atMillis(),
                        second.pod().firstReadyAt(), h.timeline());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("apps")
    void withNoAssociationAtMostMaxEvictionsPodsEvictThemselvesThenThePodStaysNotInjectedAndSaysWhy(SampleApp app,
            @TempDir Path tmp) throws IOException {
        Rendered r = withSelfEviction(app, tmp);
        try (Harness h = new Harness(r, app, SCALE, "self-eviction-no-association");
                KubernetesApiServer api = KubernetesApiServer.start(h.timeline())) {
            h.startWorld(world(r).podIdentity(ProbeLoopSimulationTest.roleArn(r))
                    .associationConsistentAfter(Duration.ofHours(1)));
            EksWebhook webhook = EksWebhook.podIdentityVisibleAt(h.timeline()::now, Long.MAX_VALUE);
            h.timeline().record("argocd", "Deployment applied; the association does not exist");
            try (ApiServerReplicaSet rs = new ApiServerReplicaSet(r, h, webhook, api, scenarioEnv(api), MAX_EVICTIONS + 2)
                    .start()) {
                String stopped = "Self-eviction stopped: " + MAX_EVICTIONS + " pods of ReplicaSet " + rs.name()
                        + " evicted themselves within role-probe.heal.window (3600s), role-probe.heal.max-evictions="
                        + MAX_EVICTIONS + ", and their new pods were not injected either: the EKS Pod Identity association"
                        + " (or the IRSA annotation) probably does not exist. This pod no longer evicts itself.";
                long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
                while (reasonContaining(h, "Self-eviction stopped").isEmpty() && System.nanoTime() < deadline) {
                    ProbeLoopSimulationTest.sleep(50);
                }
                assertThat(reasonContaining(h, "Self-eviction stopped")).as(() -> report(h)).isPresent();
                long stoppedAt = h.timeline().now();
                // The last pod stays: longer than heal.after with its full jitter, plus one readiness period.
                Duration stay = HEAL_AFTER_MAX.plus(SCALE.seconds(r.readinessProbe().periodSeconds())).plusSeconds(1);
                ProbeLoopSimulationTest.sleep(stay.toMillis());

                List<ApiServerReplicaSet.Created> created = rs.created();
                List<KubernetesApiServer.Eviction> evictions = api.evictions();
                SoftAssertions soft = new SoftAssertions();
                soft.assertThat(created).as("the first pod and one replacement per self-eviction")
                        .hasSize(MAX_EVICTIONS + 1).allSatisfy(c -> assertThat(c.injection()).isEqualTo(Injection.NONE));
                soft.assertThat(evictions.stream().map(KubernetesApiServer.Eviction::pod).toList())
                        .as("max-evictions pods evicted themselves, each once, in order")
                        .isEqualTo(created.stream().limit(MAX_EVICTIONS).map(ApiServerReplicaSet.Created::name).toList());
                soft.assertThat(evictions).allSatisfy(e -> {
                    assertThat(e.status()).isEqualTo(201);
                    assertThat(e.namespace()).isEqualTo("orders");
                });
                soft.assertThat(evictions.isEmpty() ? 0 : evictions.get(evictions.size() - 1).atMillis() - evictions.get(0).atMillis())
                        .as("within role-probe.heal.window (1 h)").isLessThan(Duration.ofHours(1).toMillis());
                soft.assertThat(selfEvictionEvents(api, rs)).as("one RoleProbeSelfEviction Event per self-evicted pod")
                        .hasSize(MAX_EVICTIONS).allSatisfy(e -> assertThat(e.getInvolvedObject().getUid()).isEqualTo(rs.uid()));
                if (created.size() == MAX_EVICTIONS + 1) {
                    ApiServerReplicaSet.Created last = created.get(MAX_EVICTIONS);
                    soft.assertThat(rs.exists(last.name())).as("the last pod stays").isTrue();
                    soft.assertThat(last.pod().firstReadyAt()).as("and is never Ready").isEqualTo(-1);
                    soft.assertThat(last.pod().restarts()).isZero();
                }
                // The reason as the real app's health endpoint shows it, in the last readiness answers.
                List<String> lastReasons = h.observations(ProbeKind.READINESS).stream().filter(o -> o.atMillis() > stoppedAt)
                        .map(o -> o.details()).filter(d -> !HealthBody.state(d).isEmpty()).toList();
                soft.assertThat(lastReasons).as("readiness answers after the rate guard stopped the self-eviction")
                        .isNotEmpty().allSatisfy(d -> {
                            assertThat(HealthBody.state(d)).isEqualTo("NOT_INJECTED");
                            assertThat(HealthBody.field(d, "reason").orElseThrow().asString()).endsWith(stopped);
                        });
                ProbeLoopSimulationTest.assertAnswersAreRealEndpoints(soft, h);
                soft.assertAll();
                System.out.printf("[%s self-eviction-no-association] evictions at %s ms; rate guard stopped by %d ms%n%s",
                        app.name(), evictions.stream().map(e -> String.valueOf(e.atMillis())).toList(), stoppedAt,
                        h.timeline());
            }
        }
    }
}
