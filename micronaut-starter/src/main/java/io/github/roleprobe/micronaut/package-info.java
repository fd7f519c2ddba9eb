/**
 * Micronaut 4 integration of role-probe: binds {@code role-probe.*}
 * ({@link io.github.roleprobe.micronaut.RoleProbeConfiguration}), starts the core
 * {@link io.github.roleprobe.verify.IdentityVerifier} with the application context
 * ({@link io.github.roleprobe.micronaut.RoleProbeFactory}) and exposes it through
 * {@code /health/readiness} ({@link io.github.roleprobe.micronaut.RoleProbeReadinessIndicator}) and
 * {@code /health/liveness} ({@link io.github.roleprobe.micronaut.RoleProbeLivenessIndicator}).
 */
package io.github.roleprobe.micronaut;
