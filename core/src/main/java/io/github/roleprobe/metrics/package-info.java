/**
 * Micrometer metrics of the identity verifier ({@link io.github.roleprobe.metrics.RoleProbeMetrics}). Micrometer
 * is an optional dependency of role-probe core: load these classes only when {@code micrometer-core} is on the
 * class path. Every meter is documented in {@code docs/metrics.md}.
 */
package io.github.roleprobe.metrics;
