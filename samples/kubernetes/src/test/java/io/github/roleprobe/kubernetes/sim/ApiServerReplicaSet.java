package io.github.roleprobe.kubernetes.sim;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.github.roleprobe.kubernetes.admission.AdmissionObjects;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.kubernetes.manifest.Yamls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ReplicaSet controller for a Deployment's ReplicaSet ({@code replicas: 1}) whose objects live in the simulated
 * {@link KubernetesApiServer}, as {@code pkg/controller/replicaset} keeps its replica count: it watches the
 * ReplicaSet's pods, and when its pod is deleted (here: by an eviction) it creates a replacement at once, a new pod
 * CREATE through admission, so the {@link EksWebhook} decides again what to inject. No admission policy is installed,
 * so every create succeeds; the Deployment controller's and ReplicaSet's own timers play no part.
 *
 * <p>Each pod is stored in the API server (its controller owner the ReplicaSet, with the ReplicaSet's uid) before its
 * container starts, so that the app finds itself there. The container's env is the Deployment template's with the
 * downward API resolved for that pod ({@link DownwardApi}), plus the scenario's env (the API server's address, a
 * time-scaled {@code role-probe.heal.after}); the webhook's injection reaches the process through
 * {@link Admission#admit}. A deleted pod's container is killed (the kubelet ends a deleted pod) on a thread of its own,
 * while the replacement starts.
 *
 * <p>A simulation bound, {@code maxPods}, stops a runaway: past it the controller records that and creates no more.
 */
public final class ApiServerReplicaSet implements AutoCloseable {

    /**
     * One pod the controller created.
     *
     * @param name      the pod's name
     * @param atMillis  timeline time of the create
     * @param injection what the webhook injected
     * @param pod       the running pod
     */
    public record Created(String name, long atMillis, Admission.Injection injection, SimulatedPod pod) {
    }

    private final Rendered rendered;
    private final Harness harness;
    private final EksWebhook webhook;
    private final KubernetesApiServer api;
    private final Map<String, String> scenarioEnv;
    private final int maxPods;
    private final String namespace;
    private final String name;
    private final List<Created> created = new ArrayList<>();
    private final ExecutorService controller = Executors.newSingleThreadExecutor(r -> daemon(r, "replicaset-sim"));
    private final ExecutorService kubelet = Executors.newCachedThreadPool(r -> daemon(r, "kubelet-sim-delete"));
    private String uid;
    private Watch watch;

    /**
     * @param rendered    the overlay (its Deployment)
     * @param harness     the run, which starts the pods
     * @param webhook     the EKS webhook
     * @param api         the API server
     * @param scenarioEnv env added to every pod's container
     * @param maxPods     at most this many pods are created
     */
    public ApiServerReplicaSet(Rendered rendered, Harness harness, EksWebhook webhook, KubernetesApiServer api,
            Map<String, String> scenarioEnv, int maxPods) {
        this.rendered = rendered;
        this.harness = harness;
        this.webhook = webhook;
        this.api = api;
        this.scenarioEnv = Map.copyOf(scenarioEnv);
        this.maxPods = maxPods;
        this.namespace = rendered.deployment().path("metadata").path("namespace").asString("default");
        this.name = AdmissionObjects.replicaSetName(rendered.deployment());
    }

    /** @return the ReplicaSet's name */
    public String name() {
        return name;
    }

    /** @return its namespace */
    public String namespace() {
        return namespace;
    }

    /** @return the ReplicaSet's uid in the API server (set by {@link #start()}) */
    public synchronized String uid() {
        return uid;
    }

    /**
     * Stores the ReplicaSet, starts watching its pods and creates the first pod.
     *
     * @return this controller
     */
    public ApiServerReplicaSet start() {
        ReplicaSet rs = api.client().apps().replicaSets().inNamespace(namespace).resource(new ReplicaSetBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                    .withUid("00000000-0000-4000-8000-000000000001").endMetadata()
                .withNewSpec().withReplicas(1).endSpec().build()).create();
        synchronized (this) {
            uid = rs.getMetadata().getUid();
        }
        record("ReplicaSet " + name + " stored (uid " + uid + "); watching its pods");
        watch = api.client().pods().inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (action == Action.DELETED && ownedByThis(pod)) {
                    String deleted = pod.getMetadata().getName();
                    controller.execute(() -> replace(deleted));
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                record("watch of pods closed: " + cause.getMessage());
            }
        });
        controller.execute(() -> createPod("ReplicaSet created"));
        return this;
    }

    private boolean ownedByThis(Pod pod) {
        List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
        return owners != null && owners.stream().anyMatch(o -> Boolean.TRUE.equals(o.getController()) && uid().equals(o.getUid()));
    }

    private void replace(String deleted) {
        SimulatedPod old = find(deleted);
        record("pod " + deleted + " deleted in the API server: 0 of 1 replicas; creating a replacement");
        createPod("replacement of " + deleted);
        if (old != null) {
            kubelet.execute(old::close); // the kubelet kills the deleted pod's container
        }
    }

    private void createPod(String trigger) {
        int n;
        synchronized (this) {
            n = created.size() + 1;
        }
        if (n > maxPods) {
            record("simulation bound: not creating pod " + n + " (at most " + maxPods + ")");
            return;
        }
        String podName = name + "-" + n;
        Admission.Injection injection = webhook.injectionNow();
        ObjectNode pod = webhook.mutate(AdmissionObjects.podFromTemplate(rendered.deployment()), injection);
        ObjectNode meta = (ObjectNode) pod.path("metadata");
        meta.remove("generateName");
        meta.put("name", podName);
        ((ObjectNode) meta.path("ownerReferences").path(0)).put("uid", uid());
        api.client().pods().inNamespace(namespace).resource(api.client().getKubernetesSerialization()
                .unmarshal(Yamls.JSON.writeValueAsString(pod), Pod.class)).create();
        long at = record("SuccessfulCreate (" + trigger + "): Created pod: " + podName + " (webhook injected " + injection + ")");
        Map<String, String> env = new LinkedHashMap<>(DownwardApi.env(rendered.appContainer(), pod));
        env.putAll(scenarioEnv);
        SimulatedPod started = harness.createPod(podName, env, injection, harness.scaledRoleProbeSettings());
        synchronized (this) {
            created.add(new Created(podName, at, injection, started));
        }
    }

    private synchronized SimulatedPod find(String podName) {
        return created.stream().filter(c -> c.name().equals(podName)).map(Created::pod).findFirst().orElse(null);
    }

    /** @return the pods created so far, in order */
    public synchronized List<Created> created() {
        return List.copyOf(created);
    }

    /**
     * @param count   how many pods
     * @param timeout the longest wait
     * @return whether that many pods were created in time
     */
    public boolean awaitCreated(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (created().size() < count && System.nanoTime() < deadline) {
            SimulatedPod.sleepQuietly(20);
        }
        return created().size() >= count;
    }

    /** @return whether the pod is stored in the API server */
    public boolean exists(String podName) {
        return api.client().pods().inNamespace(namespace).withName(podName).get() != null;
    }

    private long record(String what) {
        return harness.timeline().record("replicaset-controller", what);
    }

    private static Thread daemon(Runnable r, String threadName) {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        return t;
    }

    /** Stops watching; pods are deleted by the {@link Harness}. */
    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
        controller.shutdownNow();
        kubelet.shutdown();
        try {
            kubelet.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
