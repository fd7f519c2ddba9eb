package io.github.roleprobe.heal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.ManualClock;
import io.github.roleprobe.verify.ManualScheduler;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The self-eviction against fabric8's Kubernetes API mock server (CRUD for pods and events, expectations for the
 * eviction), with a real verifier in {@code NOT_INJECTED}: the SDK found no credentials in a pod without EKS Pod
 * Identity or IRSA environment. Time is a manual clock, moved by the test's scheduler: no sleeping.
 */
class SelfEvictionTest {

    private static final String NS = "orders";
    private static final String POD = "orders-7d9c5b8f4-x2v7k";
    private static final String RS = "orders-7d9c5b8f4";
    private static final String RS_UID = "5b0f6c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f";
    private static final String EVICTION_PATH = "/api/v1/namespaces/" + NS + "/pods/" + POD + "/eviction";
    private static final AwsCredentialsProvider NONE = () -> {
        throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
    };

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T08:00:00Z"));
    private final HealScheduler healScheduler = new HealScheduler(clock);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void startApiServer() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = client(server.url("/"), 10_000);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        client.close();
        server.destroy();
    }

    private static KubernetesClient client(String url, int requestTimeoutMillis) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url).withNamespace(NS)
                .withRequestRetryBackoffLimit(0).withRequestTimeout(requestTimeoutMillis)
                .withConnectionTimeout(requestTimeoutMillis).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private void createPod(boolean owned) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(POD).withNamespace(NS).endMetadata();
        if (owned) {
            pod.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName(RS)
                    .withUid(RS_UID).withController(true).withBlockOwnerDeletion(true).endOwnerReference().endMetadata();
        }
        client.pods().inNamespace(NS).resource(pod.build()).create();
    }

    private void recordEventOfAnotherPod(String pod, Instant at) {
        client.v1().events().inNamespace(NS).resource(new EventBuilder()
                .withNewMetadata().withName(pod + ".role-probe-self-eviction").withNamespace(NS)
                .addToLabels(SelfEviction.OWNER_LABEL, RS_UID).endMetadata()
                .withNewInvolvedObject().withKind("ReplicaSet").withName(RS).withUid(RS_UID).endInvolvedObject()
                .withReason(SelfEviction.EVENT_REASON).withFirstTimestamp(at.toString()).build()).create();
    }

    private SelfEvictionConfig.Builder config() {
        return SelfEvictionConfig.builder().enabled(true);
    }

    /** A verifier whose first attempt finds no credentials in a pod without injected environment: NOT_INJECTED. */
    private IdentityVerifier notInjected(SelfEviction selfEviction) {
        ManualScheduler verifierScheduler = new ManualScheduler();
        IdentityVerifier verifier = IdentityVerifier.builder()
                .config(RoleProbeConfig.builder().roleArns(List.of("arn:aws:iam::111122223333:role/orders")).build())
                .environment(PodEnvironment.of(Map.of(PodEnvironment.KUBERNETES_SERVICE_HOST, "10.100.0.1")))
                .credentials(ApplicationCredentials.of(NONE))
                .clock(clock)
                .scheduler(verifierScheduler)
                .listener(selfEviction)
                .build();
        closeables.add(verifier);
        verifier.start();
        verifierScheduler.runImmediateTasks();
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.NOT_INJECTED);
        return verifier;
    }

    private SelfEviction selfEviction(SelfEvictionConfig config, KubernetesClient with) {
        SelfEviction s = SelfEviction.builder().config(config).client(with).pod(new PodReference(NS, POD))
                .scheduler(healScheduler).random(() -> 0.5).build();
        closeables.add(s);
        return s;
    }

    /** The requests the API server received since the last call, as "METHOD path". */
    private List<RecordedRequest> requests() throws InterruptedException {
        List<RecordedRequest> out = new ArrayList<>();
        for (RecordedRequest r; (r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null; ) {
            out.add(r);
        }
        return out;
    }

    private static List<String> lines(List<RecordedRequest> requests) {
        return requests.stream().map(r -> r.getMethod() + " " + r.getPath()).toList();
    }

    @Test
    void afterTheDelayThePodAsksTheEvictionApiToEvictItselfAndRecordsAnEventOnItsReplicaSet() throws Exception {
        createPod(true);
        server.expect().post().withPath(EVICTION_PATH)
                .andReturn(201, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}").once();
        requests();
        IdentityVerifier verifier = notInjected(selfEviction(config().build(), client));
        Instant notInjectedSince = verifier.snapshot().stateSince();

        // Scheduled at role-probe.heal.after, jittered up to a quarter more (random 0.5: 30 s * 1.125); nothing sent.
        assertThat(healScheduler.pendingDelay()).contains(Duration.ofMillis(33_750));
        assertThat(requests()).isEmpty();
        assertThat(verifier.snapshot().reason()).endsWith("Self-eviction (role-probe.heal.evict-not-injected=true):"
                + " this pod asks the Kubernetes Eviction API to evict it once this state has lasted"
                + " role-probe.heal.after (30s), so that its ReplicaSet creates a new pod, which the EKS webhook admits"
                + " again.");

        healScheduler.runNext();

        assertThat(Duration.between(notInjectedSince, clock.instant())).isEqualTo(Duration.ofMillis(33_750));
        List<RecordedRequest> sent = requests();
        assertThat(lines(sent)).containsExactly(
                "GET /api/v1/namespaces/orders/pods/" + POD,
                "GET /api/v1/namespaces/orders/events?labelSelector=role-probe.io%2Fself-eviction-owner%3D" + RS_UID,
                "POST /api/v1/namespaces/orders/events",
                "POST " + EVICTION_PATH);
        String eviction = sent.get(3).getUtf8Body();
        assertThat(eviction).contains("\"apiVersion\":\"policy/v1\"").contains("\"kind\":\"Eviction\"")
                .contains("\"name\":\"" + POD + "\"").contains("\"namespace\":\"" + NS + "\"");
        var events = client.v1().events().inNamespace(NS).list().getItems();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getReason()).isEqualTo("RoleProbeSelfEviction");
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
            assertThat(e.getInvolvedObject().getName()).isEqualTo(RS);
            assertThat(e.getMetadata().getLabels()).containsEntry(SelfEviction.OWNER_LABEL, RS_UID);
            assertThat(e.getMessage()).isEqualTo("Pod " + POD + " evicts itself: role-probe found it NOT_INJECTED (no"
                    + " EKS Pod Identity or IRSA environment) for 30s or more; self-eviction 1 of at most 3 in 3600s.");
        });
        VerificationSnapshot s = verifier.snapshot();
        assertThat(s.state()).isEqualTo(VerificationState.NOT_INJECTED);
        assertThat(s.reason()).endsWith("Self-eviction: the Kubernetes Eviction API accepted the eviction of this pod"
                + " (orders/" + POD + ", self-eviction 1 of at most 3 for ReplicaSet " + RS + "); its controller creates"
                + " a new pod.");
        assertThat(healScheduler.pendingDelay()).isEmpty();
    }

    @Test
    void nothingInAnyOtherStateNorWhenNotInjectedEndsBeforeTheDelay() throws Exception {
        createPod(true);
        requests();
        SelfEviction selfEviction = selfEviction(config().build(), client);
        IdentityVerifier verifier = notInjected(selfEviction);
        VerificationSnapshot notInjected = verifier.snapshot();
        assertThat(healScheduler.pendingDelay()).isPresent();

        // The state ends before the delay (credentials from elsewhere, confirmed): the eviction is cancelled.
        VerificationSnapshot verified = notInjected.toBuilder().state(VerificationState.VERIFIED).reason("STS confirmed")
                .remedy("None needed.").build();
        selfEviction.stateChanged(notInjected, verified);
        assertThat(healScheduler.pendingDelay()).isEmpty();
        assertThat(verifier.snapshot().reason()).doesNotContain("Self-eviction");

        for (VerificationState other : VerificationState.values()) {
            if (other == VerificationState.NOT_INJECTED || other == VerificationState.WRONG_IDENTITY) {
                continue;
            }
            selfEviction.stateChanged(verified, verified.toBuilder().state(other).build());
        }
        selfEviction.stateChanged(verified, verified.toBuilder().state(VerificationState.WRONG_IDENTITY)
                .wrongIdentityKind(io.github.roleprobe.verify.WrongIdentityKind.NODE_ROLE).build());
        assertThat(healScheduler.pendingDelay()).isEmpty();
        assertThat(requests()).isEmpty();
    }

    @Test
    void nothingWhenTheFeatureIsOff() throws Exception {
        createPod(true);
        requests();
        IdentityVerifier verifier = notInjected(selfEviction(config().enabled(false).build(), client));

        assertThat(healScheduler.pendingDelay()).isEmpty();
        assertThat(verifier.snapshot().reason()).doesNotContain("Self-eviction");
        assertThat(requests()).isEmpty();
    }

    @Test
    void forbiddenIsAReasonAndARetryWithAGrowingBoundedBackOffNeverATightLoop() throws Exception {
        createPod(true);
        server.expect().post().withPath(EVICTION_PATH).andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"status\":\"Failure\",\"message\":\"pods \\\"" + POD + "\\\" is forbidden: User"
                + " \\\"system:serviceaccount:orders:orders\\\" cannot create resource \\\"pods/eviction\\\" in API"
                + " group \\\"\\\" in the namespace \\\"orders\\\"\",\"reason\":\"Forbidden\",\"code\":403}").always();
        requests();
        IdentityVerifier verifier = notInjected(selfEviction(config().build(), client));

        healScheduler.runNext();
        String reason = verifier.snapshot().reason();
        assertThat(reason).endsWith("Self-eviction failed: the Kubernetes API refused to create pods/eviction for pod"
                + " orders/" + POD + " (403 Forbidden): the pod's service account needs the kit's self-eviction Role"
                + " (create pods/eviction, get pods, list and create events). Retrying with back-off.");
        for (int i = 0; i < 9; i++) {
            healScheduler.runNext();
            assertThat(verifier.snapshot().reason()).isEqualTo(reason); // stable: logged once
        }
        // Ten tries, one eviction request each (no retries inside the client), one Event for the pod.
        List<String> sent = lines(requests());
        assertThat(sent).filteredOn(l -> l.equals("POST " + EVICTION_PATH)).hasSize(10);
        assertThat(sent).filteredOn(l -> l.equals("POST /api/v1/namespaces/orders/events")).hasSize(1);
        // Random 0.5: three quarters of a ceiling that doubles from 30 s to 10 min.
        assertThat(healScheduler.requestedDelays()).containsExactly(Duration.ofMillis(33_750),
                Duration.ofMillis(22_500), Duration.ofSeconds(45), Duration.ofSeconds(90), Duration.ofSeconds(180),
                Duration.ofSeconds(360), Duration.ofSeconds(450), Duration.ofSeconds(450), Duration.ofSeconds(450),
                Duration.ofSeconds(450), Duration.ofSeconds(450));
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.NOT_INJECTED);
    }

    @Test
    void aPodDisruptionBudgetRefusingIsRetriedAndTheEvictionGoesThroughLaterWithOneEvent() throws Exception {
        createPod(true);
        server.expect().post().withPath(EVICTION_PATH).andReturn(429, "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"status\":\"Failure\",\"message\":\"Cannot evict pod as it would violate the pod's disruption"
                + " budget.\",\"reason\":\"TooManyRequests\",\"code\":429}").times(2);
        server.expect().post().withPath(EVICTION_PATH).andReturn(201, "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"status\":\"Success\"}").once();
        requests();
        IdentityVerifier verifier = notInjected(selfEviction(config().build(), client));

        healScheduler.runNext();
        assertThat(verifier.snapshot().reason()).endsWith("Self-eviction waits: the Kubernetes API answered 429 to the"
                + " eviction of pod orders/" + POD + ": a PodDisruptionBudget allows no disruption now (or the API"
                + " server throttles). Retrying with back-off.");
        healScheduler.runNext();
        healScheduler.runNext();

        assertThat(verifier.snapshot().reason()).contains("accepted the eviction of this pod")
                .contains("self-eviction 1 of at most 3");
        List<String> sent = lines(requests());
        assertThat(sent).filteredOn(l -> l.equals("POST " + EVICTION_PATH)).hasSize(3);
        assertThat(sent).filteredOn(l -> l.equals("POST /api/v1/namespaces/orders/events")).hasSize(1);
        assertThat(client.v1().events().inNamespace(NS).list().getItems()).hasSize(1);
        assertThat(healScheduler.pendingDelay()).isEmpty();
    }

    @Test
    void theRateGuardStopsAtMaxEvictionsOfTheReplicaSetWithinTheWindowAndSaysWhy() throws Exception {
        createPod(true);
        Instant now = clock.instant();
        recordEventOfAnotherPod("orders-7d9c5b8f4-a1", now.minus(Duration.ofMinutes(50)));
        recordEventOfAnotherPod("orders-7d9c5b8f4-b2", now.minus(Duration.ofMinutes(20)));
        recordEventOfAnotherPod("orders-7d9c5b8f4-c3", now.minus(Duration.ofMinutes(2)));
        requests();
        IdentityVerifier verifier = notInjected(selfEviction(config().build(), client));

        healScheduler.runNext();

        assertThat(lines(requests())).containsExactly(
                "GET /api/v1/namespaces/orders/pods/" + POD,
                "GET /api/v1/namespaces/orders/events?labelSelector=role-probe.io%2Fself-eviction-owner%3D" + RS_UID);
        assertThat(verifier.snapshot().reason()).endsWith("Self-eviction stopped: 3 pods of ReplicaSet " + RS
                + " evicted themselves within role-probe.heal.window (3600s), role-probe.heal.max-evictions=3, and their"
                + " new pods were not injected either: the EKS Pod Identity association (or the IRSA annotation)"
                + " probably does not exist. This pod no longer evicts itself.");
        assertThat(verifier.snapshot().remedy()).contains("Recreate the pod");
        assertThat(healScheduler.pendingDelay()).isEmpty();
    }

    @Test
    void evictionsOlderThanTheWindowDoNotCount() throws Exception {
        createPod(true);
        server.expect().post().withPath(EVICTION_PATH)
                .andReturn(201, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}").once();
        Instant now = clock.instant();
        recordEventOfAnotherPod("orders-7d9c5b8f4-a1", now.minus(Duration.ofMinutes(70)));
        recordEventOfAnotherPod("orders-7d9c5b8f4-b2", now.minus(Duration.ofMinutes(20)));
        recordEventOfAnotherPod("orders-7d9c5b8f4-c3", now.minus(Duration.ofMinutes(2)));
        IdentityVerifier verifier = notInjected(selfEviction(config().build(), client));

        healScheduler.runNext();

        assertThat(verifier.snapshot().reason()).contains("accepted the eviction of this pod")
                .contains("self-eviction 3 of at most 3 for ReplicaSet " + RS);
    }

    @Test
    void aPodWithoutAControllerIsNotEvicted() throws Exception {
        createPod(false);
        requests();
        IdentityVerifier verifier = notInjected(selfEviction(config().build(), client));

        healScheduler.runNext();

        assertThat(lines(requests())).containsExactly("GET /api/v1/namespaces/orders/pods/" + POD);
        assertThat(verifier.snapshot().reason()).endsWith("Self-eviction is off for this pod: it has no controller"
                + " owner (ReplicaSet, StatefulSet), so nothing would create a new pod.");
        assertThat(healScheduler.pendingDelay()).isEmpty();
    }

    @Test
    void anApiServerThatDoesNotAnswerIsAReasonAndABoundedRetry() throws Exception {
        // A socket that accepts connections and never answers: the request times out, the pod is not touched.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             KubernetesClient unreachable = client("http://127.0.0.1:" + silent.getLocalPort() + "/", 300)) {
            IdentityVerifier verifier = notInjected(selfEviction(config().build(), unreachable));

            healScheduler.runNext();

            assertThat(verifier.snapshot().reason()).contains("Self-eviction failed: the Kubernetes API server at"
                    + " http://127.0.0.1:" + silent.getLocalPort() + "/ did not answer get pod orders/" + POD + " (")
                    .endsWith(". Retrying with back-off.");
            assertThat(healScheduler.pendingDelay()).contains(Duration.ofMillis(22_500));
            assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.NOT_INJECTED);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aKubernetesClientThatCannotBeLoadedIsAReasonAndStopsSelfEvictionWithoutRetrying() throws Exception {
        // A class-path conflict, as when a platform BOM pins a jackson-annotations older than fabric8's Jackson needs:
        // loading the client fails with a LinkageError. Retrying cannot heal that; the reason says so, once.
        int[] attempts = {0};
        SelfEviction s = SelfEviction.builder().config(config().build()).pod(new PodReference(NS, POD))
                .clientFactory(() -> {
                    attempts[0]++;
                    throw new NoClassDefFoundError("com/fasterxml/jackson/annotation/JsonSerializeAs");
                })
                .scheduler(healScheduler).random(() -> 0.5).build();
        closeables.add(s);
        IdentityVerifier verifier = notInjected(s);

        healScheduler.runNext();

        VerificationSnapshot snapshot = verifier.snapshot();
        assertThat(snapshot.state()).isEqualTo(VerificationState.NOT_INJECTED);
        assertThat(snapshot.reason()).endsWith("Self-eviction stopped: the Kubernetes client cannot be loaded"
                + " (NoClassDefFoundError: a dependency version conflict on the class path). This pod no longer evicts"
                + " itself.");
        assertThat(healScheduler.pendingDelay()).isEmpty();
        assertThat(attempts[0]).isEqualTo(1);
        assertThat(requests()).isEmpty();
    }
}
