/**
 * Spring Boot integration of role-probe, for Spring Boot 3.5 ({@code role-probe-spring-boot3-starter}) and Spring
 * Boot 4 ({@code role-probe-spring-boot4-starter}). This package is split over two jars:
 *
 * <ul>
 *   <li>{@code role-probe-spring-boot-common}, compiled against Spring Boot 3.5 APIs that Boot 4 has unchanged,
 *       holds everything that is the same in both lines: it binds {@code role-probe.*}
 *       ({@link io.github.roleprobe.spring.RoleProbeProperties}, with its configuration metadata), creates the core
 *       {@link io.github.roleprobe.verify.IdentityVerifier} with the application context and starts it once the
 *       context has been refreshed ({@link io.github.roleprobe.spring.RoleProbeAutoConfiguration}), holds the
 *       application's readiness availability state at {@code REFUSING_TRAFFIC} until STS confirms the expected role
 *       ({@link io.github.roleprobe.spring.RoleProbeAvailability}), binds role-probe's meters
 *       ({@link io.github.roleprobe.spring.RoleProbeMetricsAutoConfiguration}), reports invalid settings
 *       ({@link io.github.roleprobe.spring.InvalidSettingFailureAnalyzer}), builds the health component's results
 *       ({@link io.github.roleprobe.spring.RoleProbeHealthResults}) and declares the native-image hints
 *       ({@link io.github.roleprobe.spring.RoleProbeRuntimeHints});</li>
 *   <li>each starter holds only what its Boot line's health API makes different: {@code RoleProbeHealthIndicator}
 *       and {@code RoleProbeHealthAutoConfiguration}, with the same class names in both, so that moving from Boot 3.5
 *       to Boot 4 changes the artifact and nothing else.</li>
 * </ul>
 */
package io.github.roleprobe.spring;
