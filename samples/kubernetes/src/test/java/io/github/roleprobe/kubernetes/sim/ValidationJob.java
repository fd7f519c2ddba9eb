package io.github.roleprobe.kubernetes.sim;

import io.github.roleprobe.testkit.EksPodSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The validation Job of legacy/validation-job.yaml, as the Job controller runs it: one pod at a time
 * ({@code restartPolicy: Never}); a failed pod is followed, after the Job back-off (10 s, 20 s, 40 s
 * ... capped at 6 minutes, scaled), by a <em>new pod</em>, admitted afresh; at most
 * {@code backoffLimit} retries.
 */
public final class ValidationJob {

    /**
     * @param succeeded    whether a pod succeeded
     * @param pods         pods created
     * @param completedAt  timeline time the Job completed or failed
     * @param outcomes     each pod's exit code and output
     */
    public record Result(boolean succeeded, int pods, long completedAt, List<String> outcomes) {
    }

    private final JsonNode job;

    /** @param job the rendered Job */
    public ValidationJob(JsonNode job) {
        this.job = job;
    }

    /** @return the Job's backoffLimit (Kubernetes default 6) */
    public int backoffLimit() {
        return job.path("spec").path("backoffLimit").asInt(6);
    }

    /** @return the check container's literal env */
    public Map<String, String> containerEnv() {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (JsonNode e : job.path("spec").path("template").path("spec").path("containers").path(0).path("env")) {
            env.put(e.path("name").asString(), e.path("value").asString(""));
        }
        return env;
    }

    /**
     * Runs the Job to completion.
     *
     * @param world     the simulated EKS world
     * @param injection what the webhook injects into each new pod
     * @param scale     time scale of the Job controller
     * @param timeline  where events go
     * @param logDir    where the pods' output goes
     * @return the outcome
     */
    public Result run(EksPodSimulator world, Admission.Injection injection, Scale scale, Timeline timeline, Path logDir) {
        return run(world, () -> injection, scale, timeline, logDir);
    }

    /**
     * Runs the Job to completion, each new pod admitted with what the webhook injects at its creation.
     *
     * @param world     the simulated EKS world
     * @param injection what the webhook injects into a pod created now
     * @param scale     time scale of the Job controller
     * @param timeline  where events go
     * @param logDir    where the pods' output goes
     * @return the outcome
     */
    public Result run(EksPodSimulator world, Supplier<Admission.Injection> injection, Scale scale, Timeline timeline,
            Path logDir) {
        List<String> outcomes = new ArrayList<>();
        String name = job.path("metadata").path("name").asString("job");
        for (int attempt = 0; attempt <= backoffLimit(); attempt++) {
            String pod = name + "-pod-" + attempt;
            Path log = logDir.resolve(pod + ".log");
            Admission.Injection injected = injection.get();
            timeline.record(pod, "pod created (Job attempt " + (attempt + 1) + "), webhook injected " + injected
                    + ", check starting");
            Map<String, String> env = Admission.admit(containerEnv(), world, injected);
            List<String> cmd = List.of(AppProcess.java(), "-cp", System.getProperty("java.class.path"),
                    CallerIdentityCheck.class.getName());
            int code;
            try (AppProcess p = AppProcess.start(cmd, env, log)) {
                code = p.await(Duration.ofSeconds(60));
            }
            String output = read(log);
            outcomes.add(pod + ": exit " + code + " " + output.strip());
            if (code == 0) {
                long at = timeline.record(pod, "succeeded: " + output.strip() + " -> Job complete");
                return new Result(true, attempt + 1, at, outcomes);
            }
            timeline.record(pod, "failed (exit " + code + "): " + output.strip());
            if (attempt == backoffLimit()) {
                break;
            }
            Duration backoff = Duration.ofSeconds(Math.min(360, 10L << attempt));
            timeline.record(name, "Job back-off " + backoff.toSeconds() + " s before a new pod");
            SimulatedPod.sleepQuietly(scale.of(backoff).toMillis());
        }
        return new Result(false, backoffLimit() + 1, timeline.record(name, "Job failed: backoffLimit reached"), outcomes);
    }

    private static String read(Path log) {
        try {
            return Files.readAllLines(log).stream().filter(l -> l.startsWith("caller:") || l.startsWith("error:"))
                    .findFirst().orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
