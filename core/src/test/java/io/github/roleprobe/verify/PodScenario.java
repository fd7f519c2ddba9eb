package io.github.roleprobe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What one scenario test opens against a simulated EKS pod, and what it must hold when the test ends: created per
 * test (a field of the test instance), it captures the logs from its creation; {@link #close()} (from the test's
 * {@code @AfterEach}) closes everything in reverse order of {@link #add}, asserts that role-probe's count of STS calls
 * equals what the simulator received from role-probe's client ({@link StsCallAccounting}), and that no secret the
 * simulator issued appears in the logs or in any text the test made {@link #visible(String) visible} (snapshots,
 * details, exception messages). Shared with the starters' tests through core's test jar. Not thread-safe except
 * {@link #visible(String)}, which listeners may call from the verifier's thread.
 */
public final class PodScenario implements AutoCloseable {

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String> visible = new CopyOnWriteArrayList<>();
    private final LogCapture logs = LogCapture.start();
    private EksPodSimulator pod;

    /**
     * Starts the simulator, closes it at the end, and applies its system properties (region, endpoints).
     *
     * @param builder the pod to simulate
     * @return the running simulator
     */
    public EksPodSimulator startPod(EksPodSimulator.Builder builder) {
        pod = add(builder.start());
        pod.applySystemProperties();
        return pod;
    }

    /**
     * @param closeable a verifier, client, provider or server to close at the end (verifiers are counted for the STS
     *     accounting)
     * @param <T> its type
     * @return {@code closeable}
     */
    public <T extends AutoCloseable> T add(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** @param text a text the application or an operator would see, scanned for secrets at the end */
    public void visible(String text) {
        visible.add(text);
    }

    /** @return the lines logged since this scenario was created */
    public List<String> logLines() {
        return logs.lines();
    }

    @Override
    public void close() throws Exception {
        try {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
            if (pod != null) {
                StsCallAccounting.assertCountsMatch(pod, closeables);
                List<String> all = new ArrayList<>(logs.lines());
                all.addAll(visible);
                for (String secret : pod.issuedSecrets()) {
                    assertThat(all).noneMatch(line -> line.contains(secret));
                }
            }
        } finally {
            logs.close();
        }
    }
}
