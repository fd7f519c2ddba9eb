package io.github.roleprobe.spring;

import io.github.roleprobe.guard.RequestGuardInterceptor;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What a GraalVM native image of a role-probe application needs beyond what Spring AOT and the AWS SDK declare
 * themselves. Registered in {@code META-INF/spring/aot.factories}, as Spring Cloud AWS registers its own hints.
 *
 * <ul>
 *   <li>The request guard ({@code role-probe.guard.*}) is a global execution interceptor: the AWS SDK reads the class
 *       path resource {@value #GLOBAL_INTERCEPTORS} for every client it builds
 *       ({@code ClasspathInterceptorChainFactory.getGlobalInterceptors}) and creates each class named there through
 *       its public no-argument constructor, by reflection. The SDK's own native-image metadata
 *       ({@code sdk-core}'s {@code resource-config.json}) includes only the per-service
 *       {@code software/amazon/awssdk/services/<service>/execution.interceptors} resources, so without these hints a
 *       native image would build every client without the guard, silently.</li>
 * </ul>
 *
 * <p>The rest needs no hint: {@link RoleProbeProperties} is bound by Spring Boot's configuration-properties AOT
 * processing, the auto-configurations are processed ahead of time like the application's own configuration,
 * {@link InvalidSettingFailureAnalyzer} is a {@code spring.factories} entry (Spring's
 * {@code SpringFactoriesLoaderRuntimeHints}), and core's STS client is an AWS SDK client, for which the SDK ships its
 * own metadata. Stateless and thread-safe.
 */
public class RoleProbeRuntimeHints implements RuntimeHintsRegistrar {

    /** The AWS SDK's class path resource listing global execution interceptors: {@value}. */
    public static final String GLOBAL_INTERCEPTORS = "software/amazon/awssdk/global/handlers/execution.interceptors";

    /**
     * Registers the resource and the interceptor's constructor.
     *
     * @param hints where hints go
     * @param classLoader the class loader of the application being processed; unused
     */
    @Override
    public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
        hints.resources().registerPattern(GLOBAL_INTERCEPTORS);
        hints.reflection().registerType(RequestGuardInterceptor.class, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
    }
}
