package io.github.roleprobe.sample.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.github.roleprobe.testkit.EksPodSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executable jar, processed ahead of time at build time ({@code spring-boot-maven-plugin:process-aot}), run on
 * the JVM with {@code -Dspring.aot.enabled=true} in a simulated EKS pod (its environment, as a pod gets it): the
 * context comes from the generated code, role-probe verifies the pod's role, readiness goes UP, and the request guard
 * sees the application's STS client ({@code /whoami}). In this sample the {@code sample.warm-up-*} switches are
 * {@code @Conditional} beans, which Spring AOT decides at build time: the jar processed ahead of time has them off.
 */
class AotJarIT {

    private static final String ROLE = "arn:aws:iam::111122223333:role/orders";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theAotProcessedJarVerifiesTheRoleAndGuardsTheApplicationsClient(@TempDir Path dir) throws Exception {
        try (EksPodSimulator pod = EksPodSimulator.builder().podIdentity(ROLE).start()) {
            Path portFile = dir.resolve("app.port");
            Path log = dir.resolve("app.log");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dspring.aot.enabled=true", "-Dserver.address=127.0.0.1", "-Dserver.port=0",
                    "-Dsample.port-file=" + portFile, "-jar", System.getProperty("sample.jar"))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("KUBERNETES_SERVICE_"));
            pod.applyEnvironment(env);
            Process app = builder.start();
            try {
                Instant deadline = Instant.now().plusSeconds(90);
                String base = "http://127.0.0.1:" + awaitPort(portFile, app, log, deadline);
                HttpResponse<String> ready = get(base + "/actuator/health/readiness");
                while (ready.statusCode() != 200 && Instant.now().isBefore(deadline)) {
                    Thread.sleep(100);
                    ready = get(base + "/actuator/health/readiness");
                }
                assertThat(ready.statusCode()).as("readiness; app log:%n%s", Files.readString(log)).isEqualTo(200);
                String roleProbe = get(base + "/actuator/health/roleProbe").body();
                assertThat((String) JsonPath.read(roleProbe, "$.details.state")).isEqualTo("VERIFIED");
                assertThat((String) JsonPath.read(roleProbe, "$.details.callerArn")).isEqualTo(pod.podIdentityCallerArn());

                assertThat(get(base + "/whoami").statusCode()).isEqualTo(200);
                List<String> services = JsonPath.read(get(base + "/actuator/health/roleProbe").body(),
                        "$.details.clients[*].service");
                assertThat(services).as("the request guard saw the application's STS client").containsExactly("sts");
                assertThat(Files.readString(log)).as("the context came from the AOT-generated code")
                        .contains("Starting AOT-processed Application");
            } finally {
                app.destroy();
                if (!app.waitFor(20, TimeUnit.SECONDS)) {
                    app.destroyForcibly();
                }
            }
        }
    }

    /**
     * What {@code process-aot} wrote for a native image (GraalVM's {@code reachability-metadata.json}, Spring
     * Framework 7's format) holds role-probe's {@code RoleProbeRuntimeHints}: the AWS SDK's global interceptor file
     * and the request guard's public constructor, which the SDK uses by reflection for every client it builds.
     */
    @Test
    void theNativeImageMetadataHoldsRoleProbesHints() throws Exception {
        String metadata = Files.readString(Path.of(System.getProperty("aot.metadata"), "reachability-metadata.json"));
        List<Boolean> constructors = JsonPath.read(metadata,
                "$.reflection[?(@.type == 'io.github.roleprobe.guard.RequestGuardInterceptor')].allPublicConstructors");
        assertThat(constructors).containsExactly(true);
        List<String> globs = JsonPath.read(metadata, "$.resources[*].glob");
        assertThat(globs).contains("software/amazon/awssdk/global/handlers/execution.interceptors");
    }

    private static int awaitPort(Path portFile, Process app, Path log, Instant deadline) throws Exception {
        while (Instant.now().isBefore(deadline)) {
            // Spring Boot's WebServerPortFileWriter creates the file, then writes it: skip the empty file of that moment.
            String port = Files.exists(portFile) ? Files.readString(portFile).trim() : "";
            if (port.matches("[1-9][0-9]*")) {
                return Integer.parseInt(port);
            }
            if (!app.isAlive()) {
                throw new AssertionError("the app exited:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no port within 90 s:\n" + Files.readString(log));
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
