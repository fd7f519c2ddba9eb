package io.github.roleprobe.sidecar;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.metrics.RoleProbeMetrics;
import io.github.roleprobe.verify.ExpectedRoles;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.LoggingListener;
import io.github.roleprobe.verify.VerificationListener;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Core's {@link IdentityVerifier} as every sidecar command runs it: on the SDK default credential provider chain of
 * the pod (the sidecar has no application provider; a fresh chain each attempt until verified), the process
 * environment, and core's {@link LoggingListener}; {@code serve} adds core's {@link RoleProbeMetrics} in a Prometheus
 * registry. Not started: the caller starts it.
 */
final class SidecarVerifier {

    private SidecarVerifier() {
    }

    /**
     * @param config the validated configuration
     * @param listener one more listener ({@code wait} waits with it), or {@code null}
     * @return the verifier, not started
     * @throws io.github.roleprobe.config.InvalidSettingException when no role is configured and {@code AWS_ROLE_ARN}
     *     is malformed
     */
    static IdentityVerifier create(RoleProbeConfig config, VerificationListener listener) {
        return builder(config, listener).build();
    }

    /**
     * @param config the validated configuration
     * @param registry receives the role_probe_* meters
     * @return the verifier, not started, its meters bound to {@code registry}
     */
    static IdentityVerifier createWithMetrics(RoleProbeConfig config, PrometheusMeterRegistry registry) {
        RoleProbeMetrics metrics = new RoleProbeMetrics(
                ExpectedRoles.resolve(config, PodEnvironment.system()).roles());
        IdentityVerifier verifier = builder(config, metrics).build();
        metrics.bindTo(registry);
        return verifier;
    }

    /** @return a Prometheus registry with Micrometer's defaults */
    static PrometheusMeterRegistry prometheusRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    private static IdentityVerifier.Builder builder(RoleProbeConfig config, VerificationListener listener) {
        IdentityVerifier.Builder b = IdentityVerifier.builder()
                .config(config)
                .environment(PodEnvironment.system())
                .credentials(ApplicationCredentials.defaultChain())
                .listener(new LoggingListener());
        if (listener != null) {
            b.listener(listener);
        }
        return b;
    }
}
