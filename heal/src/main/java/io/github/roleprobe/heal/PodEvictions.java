package io.github.roleprobe.heal;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * The Kubernetes API calls of the self-eviction, for one pod, through fabric8's client: read the pod's controller
 * owner, count and record the self-eviction Events of that owner, and post the pod's policy/v1 Eviction. Each call
 * either returns or throws {@link KubernetesCallFailed} naming the call. Thread-confined (the heal thread).
 */
final class PodEvictions {

    /** The {@code reason} of the Events that count self-evictions: {@value}. */
    static final String EVENT_REASON = SelfEviction.EVENT_REASON;

    private final KubernetesClient client;
    private final PodReference pod;

    PodEvictions(KubernetesClient client, PodReference pod) {
        this.client = client;
        this.pod = pod;
    }

    /** The controller that owns the pod (a ReplicaSet for a Deployment's pod). */
    record Owner(String apiVersion, String kind, String name, String uid) {
        @Override
        public String toString() {
            return kind + " " + name;
        }
    }

    /** The self-evictions recorded for an owner within the window, and whether this pod's own is one of them. */
    record Recorded(int count, boolean mine) {
    }

    /** @return the pod's controller owner, empty when it has none (nothing would create a new pod) */
    Optional<Owner> owner() throws KubernetesCallFailed {
        Pod p;
        try {
            p = client.pods().inNamespace(pod.namespace()).withName(pod.name()).get();
        } catch (KubernetesClientException e) {
            throw new KubernetesCallFailed("get pod " + pod, e);
        }
        if (p == null) {
            throw new KubernetesCallFailed("get pod " + pod, new KubernetesClientException("pod not found",
                    HttpURLConnection.HTTP_NOT_FOUND, null));
        }
        List<OwnerReference> owners = p.getMetadata().getOwnerReferences();
        return owners == null ? Optional.empty() : owners.stream()
                .filter(o -> Boolean.TRUE.equals(o.getController()))
                .findFirst()
                .map(o -> new Owner(o.getApiVersion(), o.getKind(), o.getName(), o.getUid()));
    }

    /**
     * Counts the self-eviction Events of {@code owner} (label {@value SelfEviction#OWNER_LABEL} with the owner's uid,
     * reason {@value #EVENT_REASON}) first recorded at or after {@code since}. An Event whose time cannot be read
     * counts, so the guard errs on the side of fewer evictions.
     */
    Recorded recorded(Owner owner, Instant since) throws KubernetesCallFailed {
        List<Event> events;
        try {
            events = client.v1().events().inNamespace(pod.namespace())
                    .withLabel(SelfEviction.OWNER_LABEL, owner.uid()).list().getItems();
        } catch (KubernetesClientException e) {
            throw new KubernetesCallFailed("list events in namespace " + pod.namespace(), e);
        }
        String mine = eventName();
        int count = 0;
        boolean own = false;
        for (Event e : events) {
            if (!EVENT_REASON.equals(e.getReason()) || !inWindow(e, since)) {
                continue;
            }
            count++;
            own |= mine.equals(e.getMetadata().getName());
        }
        return new Recorded(count, own);
    }

    /** Records this pod's self-eviction as an Event of its owner; one per pod (an existing one is kept). */
    void record(Owner owner, Instant now, String message) throws KubernetesCallFailed {
        Event event = new EventBuilder()
                .withNewMetadata()
                    .withName(eventName())
                    .withNamespace(pod.namespace())
                    .addToLabels(SelfEviction.OWNER_LABEL, owner.uid())
                .endMetadata()
                .withNewInvolvedObject()
                    .withApiVersion(owner.apiVersion())
                    .withKind(owner.kind())
                    .withName(owner.name())
                    .withNamespace(pod.namespace())
                    .withUid(owner.uid())
                .endInvolvedObject()
                .withReason(EVENT_REASON)
                .withMessage(message)
                .withType("Warning")
                .withNewSource().withComponent(SelfEviction.COMPONENT).endSource()
                .withReportingComponent(SelfEviction.COMPONENT)
                .withReportingInstance(pod.name())
                .withFirstTimestamp(now.toString())
                .withLastTimestamp(now.toString())
                .withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(pod.namespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw new KubernetesCallFailed("create events in namespace " + pod.namespace(), e);
            }
        }
    }

    /**
     * Posts the pod's policy/v1 Eviction ({@code POST /api/v1/namespaces/NS/pods/NAME/eviction}).
     *
     * @return {@code true} when the API server accepted it, {@code false} when it answered 429 (a PodDisruptionBudget
     *     allows no disruption now, or the API server throttles)
     */
    boolean evict() throws KubernetesCallFailed {
        try {
            return client.pods().inNamespace(pod.namespace()).withName(pod.name())
                    .evict(new EvictionBuilder().withNewMetadata().withName(pod.name()).withNamespace(pod.namespace())
                            .endMetadata().build());
        } catch (KubernetesClientException e) {
            throw new KubernetesCallFailed("create pods/eviction for pod " + pod, e);
        }
    }

    /** @return the name of this pod's self-eviction Event, one per pod */
    String eventName() {
        return pod.name() + ".role-probe-self-eviction";
    }

    private static boolean inWindow(Event e, Instant since) {
        String time = e.getFirstTimestamp() != null ? e.getFirstTimestamp()
                : e.getEventTime() != null ? e.getEventTime().getTime() : null;
        if (time == null) {
            return true;
        }
        try {
            return !Instant.parse(time).isBefore(since);
        } catch (DateTimeParseException ex) {
            return true;
        }
    }
}
