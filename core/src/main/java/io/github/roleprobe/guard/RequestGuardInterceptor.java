package io.github.roleprobe.guard;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SelectedAuthScheme;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.interceptor.SdkInternalExecutionAttribute;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.Identity;

/**
 * role-probe's request guard inside the AWS SDK for Java v2: a global execution interceptor, listed in core's
 * classpath resource {@code software/amazon/awssdk/global/handlers/execution.interceptors}, which the SDK reads for
 * every client it builds ({@code ClasspathInterceptorChainFactory.getGlobalInterceptors()}, called by
 * {@code SdkDefaultClientBuilder} once per client build, one new instance each). So every sync and async client of
 * every service in the JVM has one instance, whoever built it, and one instance stands for one client.
 *
 * <p>After signing ({@link #beforeTransmission}), it reads the identity the request was signed with from the selected
 * auth scheme ({@code SdkInternalExecutionAttribute.SELECTED_AUTH_SCHEME}, whose identity future the signing stage has
 * completed): the access key id and {@code providerName()}, the credential source. It hands them, with the client's
 * service name, to every active {@link RequestGuard}. Requests without AWS credentials (anonymous, bearer token) pass
 * untouched, and so do requests of a client configured with {@link #UNGUARDED} (role-probe's own STS client).
 * Presigned URLs are not requests the SDK sends, so no interceptor sees their use.
 *
 * <p>With no active guard yet, a request signed with instance-profile credentials is remembered without its secret
 * (at most 64 clients), so that the first verifier's guard can judge a client that was warmed up before the verifier
 * existed (see {@link RequestGuard#activate()}); other requests cost a few reads. In {@code role-probe.guard.mode=enforce} it throws an
 * {@code SdkClientException} (not retryable) for a request whose identity is not an expected or allowed role, before
 * the request is sent. Thread-safe.
 */
public final class RequestGuardInterceptor implements ExecutionInterceptor {

    /**
     * Put {@code true} under this attribute in a client's override configuration
     * ({@code ClientOverrideConfiguration.Builder.putExecutionAttribute}) to keep its requests out of every guard.
     */
    public static final ExecutionAttribute<Boolean> UNGUARDED = new ExecutionAttribute<>("RoleProbeUnguarded");

    private static final AtomicLong CLIENT_IDS = new AtomicLong();
    private static final GuardedClient[] NONE = new GuardedClient[0];

    private final long clientId = CLIENT_IDS.incrementAndGet();
    private volatile GuardedClient[] states = NONE;

    /** Called by the AWS SDK through the global interceptor resource, once per client. */
    public RequestGuardInterceptor() {
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
        RequestGuard[] guards = RequestGuards.active();
        if (executionAttributes.getAttribute(UNGUARDED) != null) {
            return;
        }
        SelectedAuthScheme<?> scheme = executionAttributes.getAttribute(SdkInternalExecutionAttribute.SELECTED_AUTH_SCHEME);
        if (scheme == null) {
            return;
        }
        Identity identity = scheme.identity().getNow(null);
        if (!(identity instanceof AwsCredentialsIdentity credentials)) {
            return;
        }
        String accessKeyId = credentials.accessKeyId();
        if (accessKeyId == null || accessKeyId.isEmpty()) {
            return;
        }
        if (guards.length == 0) {
            EarlyRequests.record(clientId, credentials.providerName(), accessKeyId,
                    executionAttributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                    executionAttributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            return;
        }
        for (RequestGuard guard : guards) {
            guard.check(state(guard, executionAttributes), credentials, accessKeyId, executionAttributes);
        }
    }

    private GuardedClient state(RequestGuard guard, ExecutionAttributes attributes) {
        for (GuardedClient s : states) {
            if (s.guard == guard) {
                return s;
            }
        }
        synchronized (this) {
            for (GuardedClient s : states) {
                if (s.guard == guard) {
                    return s;
                }
            }
            GuardedClient created = guard.register(clientId, attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME));
            GuardedClient[] kept = Arrays.stream(states).filter(s -> s.guard.active()).toArray(GuardedClient[]::new);
            GuardedClient[] next = Arrays.copyOf(kept, kept.length + 1);
            next[kept.length] = created;
            states = next;
            return created;
        }
    }
}
