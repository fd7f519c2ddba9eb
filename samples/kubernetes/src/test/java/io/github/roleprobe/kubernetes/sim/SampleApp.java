package io.github.roleprobe.kubernetes.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sample app as a container image would run it: its fat jar on a JVM. The container port of the
 * manifest is mapped to a loopback port (a pod has its own network namespace; these processes share
 * the machine's): the framework's server-port property is 0, so the kernel picks a free port as the
 * app binds it, and the app writes the port it got to its {@code sample.port-file}
 * ({@link AppProcess#portFrom}).
 *
 * @param name                 the sample's name, and its directory under samples/kubernetes
 * @param jar                  the runnable jar
 * @param containerPort        the port the app listens on when nothing overrides it (the framework
 *                             default, since neither sample sets one)
 * @param hostProperty         the framework's bind-address property
 * @param portProperty         the framework's port property
 * @param detailsPath          where role-probe's details (state, stateSince, ...) are read; empty when
 *                             the probe answers carry them (Micronaut). Spring Boot's probe groups answer
 *                             with the availability state only, so its details come from the
 *                             {@code roleProbe} health component, as in samples/demo.sh.
 * @param warmUpCredentialsEnv the environment variable of {@code sample.warm-up-credentials} under the
 *                             framework's env mapping (Spring Boot's relaxed binding drops the dashes)
 */
public record SampleApp(String name, Path jar, int containerPort, String hostProperty, String portProperty,
        String detailsPath, String warmUpCredentialsEnv) {

    /** The Micronaut sample: samples/micronaut-app, Micronaut's default port 8080. */
    public static SampleApp micronaut() {
        return new SampleApp("micronaut", Path.of(System.getProperty("roleprobe.micronautJar",
                "../micronaut-app/target/role-probe-sample-micronaut-app-0.1.0-SNAPSHOT-all.jar")),
                8080, "micronaut.server.host", "micronaut.server.port", "", "SAMPLE_WARM_UP_CREDENTIALS");
    }

    /**
     * The Spring Boot sample: samples/spring-boot-app (its repackaged executable jar), Spring Boot's
     * default port 8080 with the actuator on the same port.
     */
    public static SampleApp spring() {
        return new SampleApp("spring-boot", Path.of(System.getProperty("roleprobe.springBootJar",
                "../spring-boot-app/target/role-probe-sample-spring-boot-app-0.1.0-SNAPSHOT.jar")),
                8080, "server.address", "server.port", "/actuator/health/roleProbe", "SAMPLE_WARMUPCREDENTIALS");
    }

    /**
     * The Spring Boot 3.5 sample with Spring Cloud AWS: samples/spring-boot3-app (its repackaged executable jar),
     * Spring Boot's default port 8080 with the actuator on the same port.
     */
    public static SampleApp springBoot3() {
        return new SampleApp("spring-boot3", Path.of(System.getProperty("roleprobe.springBoot3Jar",
                "../spring-boot3-app/target/role-probe-sample-spring-boot3-app-0.1.0-SNAPSHOT.jar")),
                8080, "server.address", "server.port", "/actuator/health/roleProbe", "SAMPLE_WARMUPCREDENTIALS");
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * @return the jar
     * @throws AssertionError if it was not built
     */
    public Path requireJar() {
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("missing " + jar.toAbsolutePath().normalize() + ": build the sample first, e.g."
                    + " ./mvnw -pl samples/kubernetes -am verify (the reactor packages the samples before this module)");
        }
        return jar;
    }

    /**
     * @param portFile         where the app writes the loopback port it listens on, once it listens
     * @param systemProperties further {@code -D} settings (test-only knobs, e.g. a scaled liveness grace)
     * @return the command line
     */
    public List<String> command(Path portFile, Map<String, String> systemProperties) {
        List<String> cmd = new ArrayList<>();
        cmd.add(AppProcess.java());
        cmd.add("-D" + hostProperty + "=127.0.0.1");
        cmd.add("-D" + portProperty + "=0");
        cmd.add("-Dsample.port-file=" + portFile.toAbsolutePath());
        systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(requireJar().toAbsolutePath().toString());
        return cmd;
    }
}
