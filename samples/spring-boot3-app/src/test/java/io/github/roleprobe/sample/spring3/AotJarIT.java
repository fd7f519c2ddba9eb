package io.github.roleprobe.sample.spring3;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.github.roleprobe.testkit.EksPodSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executable jar, processed ahead of time at build time ({@code spring-boot-maven-plugin:process-aot}), run on
 * the JVM with {@code -Dspring.aot.enabled=true} in a simulated EKS pod (its environment, as a pod gets it):
 * role-probe's auto-configuration, availability bridge and health indicator work from the generated context, the
 * pod's role is verified through Spring Cloud AWS's {@code credentialsProvider}, and the request guard sees Spring Cloud
 * AWS's SQS client.
 */
class AotJarIT {

    private static final String ROLE = "arn:aws:iam::111122223333:role/orders";

    @Test
    void theAotProcessedJarVerifiesTheRoleAndGuardsTheSqsClient(@TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("sample.jar"));
        assertThat(jar).exists();
        try (EksPodSimulator pod = EksPodSimulator.builder().podIdentity(ROLE).sqsQueue("orders").start()) {
            Path portFile = dir.resolve("app.port");
            Path log = dir.resolve("app.log");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dspring.aot.enabled=true", "-Dserver.address=127.0.0.1", "-Dserver.port=0",
                    "-Dsample.port-file=" + portFile, "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("KUBERNETES_SERVICE_"));
            pod.applyEnvironment(env);
            env.put("ROLE_PROBE_ROLE_ARN", ROLE);
            Process app = builder.start();
            try {
                String base = "http://127.0.0.1:" + awaitPort(portFile, app, log);
                assertThat(SampleAppTest.await(base + "/actuator/health/readiness", 200).statusCode())
                        .as("readiness; app log:%n%s", Files.readString(log)).isEqualTo(200);
                HttpResponse<String> roleProbe = SampleAppTest.get(base + "/actuator/health/roleProbe");
                assertThat((String) JsonPath.read(roleProbe.body(), "$.details.state")).isEqualTo("VERIFIED");
                assertThat((String) JsonPath.read(roleProbe.body(), "$.details.callerArn"))
                        .isEqualTo(pod.podIdentityCallerArn());

                assertThat(SampleAppTest.get(base + "/whoami").statusCode()).isEqualTo(200);
                HttpResponse<String> after = SampleAppTest.get(base + "/actuator/health/roleProbe");
                List<String> services = JsonPath.read(after.body(), "$.details.clients[*].service");
                assertThat(services).as("the request guard saw Spring Cloud AWS's SQS client").containsExactly("sqs");
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
     * What {@code process-aot} wrote for a native image (Spring Framework 6's {@code reflect-config.json} and
     * {@code resource-config.json}) holds role-probe's {@code RoleProbeRuntimeHints}: the AWS SDK's global interceptor
     * file and the request guard's public constructor, which the SDK uses by reflection for every client it builds.
     */
    @Test
    void theNativeImageMetadataHoldsRoleProbesHints() throws Exception {
        Path dir = Path.of(System.getProperty("aot.metadata"));
        List<Boolean> constructors = JsonPath.read(Files.readString(dir.resolve("reflect-config.json")),
                "$[?(@.name == 'io.github.roleprobe.guard.RequestGuardInterceptor')].allPublicConstructors");
        assertThat(constructors).containsExactly(true);
        List<String> patterns = JsonPath.read(Files.readString(dir.resolve("resource-config.json")),
                "$.resources.includes[*].pattern");
        assertThat(patterns).contains("\\Qsoftware/amazon/awssdk/global/handlers/execution.interceptors\\E");
    }

    private static int awaitPort(Path portFile, Process app, Path log) throws Exception {
        Instant deadline = Instant.now().plusSeconds(90);
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
}
