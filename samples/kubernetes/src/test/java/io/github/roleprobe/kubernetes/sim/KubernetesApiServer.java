package io.github.roleprobe.kubernetes.sim;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated cluster's Kubernetes API server: fabric8's {@link KubernetesMockServer} in CRUD mode (objects are
 * stored, listed by label, watched), on loopback, port 0, plain HTTP. Its CRUD mode has no Eviction subresource, so
 * this adds it as the API server behaves when no PodDisruptionBudget covers the pod: {@code POST
 * /api/v1/namespaces/NS/pods/NAME/eviction} deletes the pod (a DELETED watch event, which the simulated ReplicaSet
 * controller sees) and answers 201 with a {@code Success} Status; 404 when there is no such pod. Every eviction
 * request is recorded with its timeline time. Thread-safe.
 */
public final class KubernetesApiServer implements AutoCloseable {

    /**
     * One eviction request the API server received.
     *
     * @param atMillis  timeline time it arrived
     * @param namespace the pod's namespace, from the path
     * @param pod       the pod's name, from the path
     * @param body      the request body (a policy/v1 Eviction)
     * @param status    the HTTP status answered
     */
    public record Eviction(long atMillis, String namespace, String pod, String body, int status) {
    }

    private static final Pattern EVICTION = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/eviction");

    private final Timeline timeline;
    private final List<Eviction> evictions = new CopyOnWriteArrayList<>();
    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private KubernetesApiServer(Timeline timeline) {
        this.timeline = timeline;
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new Dispatcher(),
                false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        this.client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(url()).withRequestRetryBackoffLimit(0).withRequestTimeout(10_000)
                .withConnectionTimeout(10_000).build()).build();
    }

    /**
     * @param timeline where the evictions are recorded
     * @return a started API server
     */
    public static KubernetesApiServer start(Timeline timeline) {
        return new KubernetesApiServer(timeline);
    }

    /** @return the API server's URL, {@code http://127.0.0.1:PORT/} */
    public String url() {
        return server.url("/");
    }

    /**
     * The env by which fabric8's {@code Config.autoConfigure} in a pod's JVM finds this API server: the master URL
     * ({@code KUBERNETES_MASTER}, which fabric8 prefers to the in-cluster {@code KUBERNETES_SERVICE_HOST}), and no
     * kubeconfig ({@code KUBERNETES_AUTH_TRYKUBECONFIG=false}: the JVM inherits HOME, whose ~/.kube/config must not
     * be used). The mounted service-account token does not exist here; the mock server asks for none.
     *
     * @return env to add to a simulated pod
     */
    public Map<String, String> podEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KUBERNETES_MASTER", url());
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        return env;
    }

    /** @return a client of this API server, for the simulated controllers and the test's assertions */
    public KubernetesClient client() {
        return client;
    }

    /** @return every eviction request so far, in order */
    public List<Eviction> evictions() {
        return List.copyOf(evictions);
    }

    /**
     * @param namespace a namespace
     * @return the Events stored in it
     */
    public List<Event> events(String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    /** CRUD, plus the Eviction subresource of pods. */
    private final class Dispatcher extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            int query = path.indexOf('?');
            Matcher m = EVICTION.matcher(query < 0 ? path : path.substring(0, query));
            if (!"POST".equalsIgnoreCase(request.getMethod()) || !m.matches()) {
                return super.dispatch(request);
            }
            String ns = m.group(1);
            String pod = m.group(2);
            MockResponse deleted = handleDelete("/api/v1/namespaces/" + ns + "/pods/" + pod);
            int status = deleted.code() < 300 ? 201 : deleted.code();
            long at = timeline.record("api-server", "POST pods/eviction " + ns + "/" + pod + ": " + status
                    + (status == 201 ? ", pod deleted" : ""));
            evictions.add(new Eviction(at, ns, pod, request.getUtf8Body(), status));
            if (status != 201) {
                return deleted;
            }
            return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json")
                    .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\"}");
        }
    }
}
