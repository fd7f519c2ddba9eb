/**
 * Micronaut 4 integration of role-probe: binds {@code role-probe.*}
 * ({@link io.github.roleprobe.micronaut.RoleProbeConfiguration}), creates the core
 * {@link io.github.roleprobe.verify.IdentityVerifier} with the application context and starts it once the
 * application has started ({@link io.github.roleprobe.micronaut.RoleProbeFactory}) and exposes it through
 * {@code /health/readiness} ({@link io.github.roleprobe.micronaut.RoleProbeReadinessIndicator}) and
 * {@code /health/liveness} ({@link io.github.roleprobe.micronaut.RoleProbeLivenessIndicator}).
 */
package io.github.roleprobe.micronaut;
