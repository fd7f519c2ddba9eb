/**
 * Spring Boot 4 integration of role-probe: binds {@code role-probe.*}
 * ({@link io.github.roleprobe.spring.RoleProbeProperties}), creates the core
 * {@link io.github.roleprobe.verify.IdentityVerifier} with the application context and starts it once the context
 * has been refreshed ({@link io.github.roleprobe.spring.RoleProbeAutoConfiguration}), holds the application's
 * readiness availability state at {@code REFUSING_TRAFFIC} until STS confirms the expected role
 * ({@link io.github.roleprobe.spring.RoleProbeAvailability}) and reports the verifier as the {@code roleProbe} health
 * component when actuator is present ({@link io.github.roleprobe.spring.RoleProbeHealthAutoConfiguration}).
 */
package io.github.roleprobe.spring;
