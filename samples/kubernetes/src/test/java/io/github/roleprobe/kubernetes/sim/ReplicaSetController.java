package io.github.roleprobe.kubernetes.sim;

import io.github.roleprobe.kubernetes.admission.AdmissionObjects;
import io.github.roleprobe.kubernetes.admission.AdmissionPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A ReplicaSet controller creating a new ReplicaSet's first pod through simulated admission, as
 * {@code pkg/controller/replicaset} does it:
 * <ul>
 *   <li>The ReplicaSet is queued when the Deployment controller creates it. Each sync sends a pod CREATE
 *       (slow start: one pod in the first batch) built from the Deployment's template
 *       ({@link AdmissionObjects#podFromTemplate}); admission runs the EKS webhook ({@link EksWebhook}: it
 *       injects only once it sees the identity), then the ValidatingAdmissionPolicy, if one is installed.</li>
 *   <li>A refused create records a {@code FailedCreate} Warning event on the ReplicaSet
 *       ({@code Error creating: <the API error>}), and the sync returns the error: {@code AddRateLimited}
 *       queues the ReplicaSet again after {@link ControllerRateLimiter}'s delay (5 ms, 10 ms, 20 ms ... 1000 s
 *       per item, and the shared 10/s bucket).</li>
 *   <li>The first failure also adds the {@code ReplicaFailure} condition (reason FailedCreate) to the
 *       ReplicaSet's status; the status update is a ReplicaSet update event, which queues it again at once
 *       ({@code updateRS} enqueues on every update). Later failures leave the condition as it is, so they
 *       cause no update.</li>
 *   <li>The delaying queue keeps one pending entry per item and only moves it earlier: a rate-limited add
 *       that would fire after the pending one changes nothing (so the immediate resync's 10 ms is absorbed
 *       by the first failure's 5 ms, and the third attempt's delay is 20 ms).</li>
 *   <li>The next attempt is due at the current sync's dequeue time plus the delay: the create call itself is
 *       taken as instant (milliseconds in a cluster), so a stall of the test machine (CEL evaluation, GC on
 *       a loaded 2-core box) does not stretch the back-off; a stalled attempt is followed at once by the due
 *       one.</li>
 *   <li>A created pod ends the loop: the sync succeeds, {@code Forget} resets the back-off and the condition
 *       is removed.</li>
 * </ul>
 * The delays are Kubernetes timers and scaled by {@link Scale}; the webhook's visibility is not.
 */
public final class ReplicaSetController {

    /** Time for the controller: the timeline (real, scaled sleeps) or a virtual clock (instant sleeps). */
    public interface Clock {
        /** @return milliseconds since the timeline's zero */
        long nowMillis();

        /** @param millis how long to wait */
        void sleepMillis(long millis);

        /**
         * @param timeline a timeline
         * @return its clock, sleeping for real
         */
        static Clock of(Timeline timeline) {
            return new Clock() {
                @Override
                public long nowMillis() {
                    return timeline.now();
                }

                @Override
                public void sleepMillis(long millis) {
                    SimulatedPod.sleepQuietly(millis);
                }
            };
        }
    }

    /** Creates the pod the API server admitted (a {@link SimulatedPod} in the probe-loop tests). */
    @FunctionalInterface
    public interface PodFactory {
        /**
         * @param name      the pod's name
         * @param injection what the webhook injected
         */
        void create(String name, Admission.Injection injection);
    }

    /**
     * One pod CREATE the controller sent.
     *
     * @param number          1, 2, ...
     * @param atMillis        timeline time
     * @param trigger         what queued the sync
     * @param injection       what the webhook injected
     * @param created         whether the API server created the pod
     * @param error           the API error when refused (quoted by the FailedCreate event), else empty
     * @param requeueAfter    the rate limiter's delay after a refusal (Kubernetes time), zero when created
     */
    public record Attempt(int number, long atMillis, String trigger, Admission.Injection injection, boolean created, String error,
            Duration requeueAfter) {
    }

    private final JsonNode deployment;
    private final EksWebhook webhook;
    private final AdmissionPolicy policy;
    private final JsonNode namespace;
    private final Scale scale;
    private final Clock clock;
    private final Timeline timeline;
    private final PodFactory factory;
    private final ControllerRateLimiter limiter = new ControllerRateLimiter();
    private final List<Attempt> attempts = new ArrayList<>();

    /**
     * @param deployment the rendered Deployment
     * @param webhook    the EKS webhook
     * @param policy     the installed policy, or null for none
     * @param namespace  the Namespace object
     * @param scale      time scale of the controller's timers
     * @param clock      its clock
     * @param timeline   where events go, or null
     * @param factory    creates an admitted pod
     */
    public ReplicaSetController(JsonNode deployment, EksWebhook webhook, AdmissionPolicy policy, JsonNode namespace,
            Scale scale, Clock clock, Timeline timeline, PodFactory factory) {
        this.deployment = deployment;
        this.webhook = webhook;
        this.policy = policy;
        this.namespace = namespace;
        this.scale = scale;
        this.clock = clock;
        this.timeline = timeline;
        this.factory = factory;
    }

    /** @return the ReplicaSet's name */
    public String name() {
        return AdmissionObjects.replicaSetName(deployment);
    }

    /**
     * Syncs until the first pod is created, or the timeout passes.
     *
     * @param timeout at most this long (timeline time)
     * @return every attempt, the last one the created pod's if it was created
     */
    public List<Attempt> createFirstPod(Duration timeout) {
        String key = namespace.path("metadata").path("name").asString() + "/" + name();
        long start = clock.nowMillis();
        long deadline = start + timeout.toMillis();
        record("ReplicaSet " + name() + " created by the Deployment controller; queued");
        boolean immediate = true; // the add event
        String trigger = "ReplicaSet added";
        long pendingAt = -1; // the delaying queue's one entry for this key
        boolean conditionSet = false;
        long due = clock.nowMillis();
        while (clock.nowMillis() <= deadline) {
            if (!immediate) {
                due = pendingAt;
                long wait = pendingAt - clock.nowMillis();
                if (wait > 0) {
                    clock.sleepMillis(wait);
                }
                pendingAt = -1;
                trigger = "rate-limited requeue";
            }
            immediate = false;
            Admission.Injection injection = webhook.injectionNow();
            ObjectNode pod = webhook.mutate(AdmissionObjects.podFromTemplate(deployment), injection);
            AdmissionPolicy.Decision decision = policy == null ? null
                    : policy.admit(AdmissionPolicy.Request.createPod(pod, namespace, AdmissionObjects.REPLICASET_CONTROLLER));
            long at = clock.nowMillis();
            if (decision == null || decision.allowed()) {
                String podName = name() + "-" + (attempts.size() + 1);
                attempts.add(new Attempt(attempts.size() + 1, at, trigger, injection, true, "", Duration.ZERO));
                record("SuccessfulCreate: Created pod: " + podName + " (webhook injected " + injection + ")");
                factory.create(podName, injection);
                limiter.forget(key);
                if (conditionSet) {
                    record("status: ReplicaFailure condition removed");
                }
                return List.copyOf(attempts);
            }
            long kubeNanos = Math.round((at - start) * 1e6 * scale.factor());
            Duration delay = limiter.when(key, kubeNanos);
            attempts.add(new Attempt(attempts.size() + 1, at, trigger, injection, false, decision.status(), delay));
            record("Warning FailedCreate (attempt " + attempts.size() + ", webhook injected " + injection + "): Error creating: "
                    + (attempts.size() == 1 ? decision.status() : "(same message)") + "; requeued after " + millis(delay));
            // Due at the sync's dequeue time plus the delay: the create call is taken to be instant (in a
            // cluster it takes milliseconds), so that a stall of this machine does not shift the back-off.
            long candidate = due + scale.of(delay).toMillis();
            if (pendingAt < 0 || candidate < pendingAt) {
                pendingAt = candidate;
            }
            if (!conditionSet) {
                conditionSet = true;
                immediate = true;
                due = at;
                trigger = "ReplicaSet status update (ReplicaFailure condition added)";
                record("status: ReplicaFailure=True reason FailedCreate; the update queues the ReplicaSet at once");
            }
        }
        record("gave up after " + timeout.toSeconds() + " s: no pod created");
        return List.copyOf(attempts);
    }

    private static String millis(Duration d) {
        return d.toMillis() < 10_000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
    }

    private void record(String what) {
        if (timeline != null) {
            timeline.record("replicaset-controller", what);
        }
    }
}
