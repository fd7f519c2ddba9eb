package io.github.roleprobe.diagnosis;

import io.github.roleprobe.environment.CredentialInjection;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.sts.StsCallResult;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Tells why a credential provider returned no credentials, naming the component that should have answered.
 *
 * <p>What it relies on (AWS SDK for Java 2.57): the default credential provider chain asks the web identity provider
 * (IRSA) before the container provider (EKS Pod Identity) and lists, in its exception message, each provider's
 * top-level message without causes; the container provider reads its token from
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}, else from the file named by {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE},
 * and sends it as {@code Authorization} to {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}. So:
 * <ul>
 *   <li>with IRSA environment, the web identity provider's failure is the reason: its token file is checked locally,
 *       otherwise STS's answer to {@code AssumeRoleWithWebIdentity} is shown;</li>
 *   <li>with EKS Pod Identity environment, the token file is checked locally (missing, unreadable, a directory, empty,
 *       or not a valid header value); if it is fine, the agent is asked once, with no retry, bounded by 1 s to connect
 *       and 2 s to answer, to tell its status, its own error message, an HTML page, a refused or a hanging
 *       connection. At most one such request per {@link #AGENT_CHECK_INTERVAL} (the last answer is reused in
 *       between), so a pod that waits for its association asks the agent little more than its chain does;</li>
 *   <li>otherwise the chain as a whole is blamed, with each provider's message.</li>
 * </ul>
 * Texts are stable from attempt to attempt (request ids, attempt counts and object identity hashes are removed, and
 * nothing is cut in the middle of what matters) and never contain a token: token-like text is redacted and the token
 * file's content is never shown.
 *
 * <p>{@link #diagnose(RuntimeException)} blocks for at most about 3 s (the agent request); call it off the request
 * path, as the verifier does on its own thread. Thread-safe.
 */
public final class CredentialFailureDiagnosis {

    /** The shortest time between two requests of this diagnosis to the EKS Pod Identity agent: 10 s. */
    public static final Duration AGENT_CHECK_INTERVAL = Duration.ofSeconds(10);
    private static final int MAX_MESSAGE = 500;

    private final PodEnvironment environment;
    private final String applicationProvider;
    private final Clock clock;
    private AgentCheck.Answer lastAnswer; // guarded by this
    private Instant lastAsked; // guarded by this

    private CredentialFailureDiagnosis(PodEnvironment environment, String applicationProvider, Clock clock) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.applicationProvider = applicationProvider;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * For failures of the SDK default credential provider chain that role-probe builds itself.
     *
     * @param environment the pod's environment, read as the SDK reads it
     * @param clock the clock that spaces the agent requests ({@link #AGENT_CHECK_INTERVAL})
     * @return the diagnosis
     */
    public static CredentialFailureDiagnosis forDefaultChain(PodEnvironment environment, Clock clock) {
        return new CredentialFailureDiagnosis(environment, null, clock);
    }

    /**
     * For failures of the application's own {@code AwsCredentialsProvider}. When that provider is (or wraps) an SDK
     * default chain, its message is read per provider as for {@link #forDefaultChain}.
     *
     * @param environment the pod's environment
     * @param providerName how to name the provider in reasons, for example its simple class name
     * @param clock the clock that spaces the agent requests ({@link #AGENT_CHECK_INTERVAL})
     * @return the diagnosis
     */
    public static CredentialFailureDiagnosis forApplicationProvider(PodEnvironment environment, String providerName,
            Clock clock) {
        return new CredentialFailureDiagnosis(environment, Objects.requireNonNull(providerName, "providerName"), clock);
    }

    /**
     * @param failure what {@code resolveCredentials()} threw
     * @return the component that failed, a stable reason and a remedy
     */
    public CredentialFailure diagnose(RuntimeException failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        ChainMessage chain = ChainMessage.parse(message);
        String who = applicationProvider == null
                ? "The SDK default credential provider chain returned no credentials"
                : "The application's credentials provider (" + applicationProvider + ") returned no credentials";
        if (!chain.isChain() && applicationProvider != null) {
            return CredentialFailure.of(FailedComponent.APPLICATION_PROVIDER,
                    who + ": " + SdkText.shorten(SdkText.stable(message), MAX_MESSAGE) + ".",
                    "Check the application's credentials provider: what it needs (a profile, a role to assume, a"
                            + " token) and its logs; role-probe keeps retrying with backoff.");
        }
        if (environment.irsaPresent()) {
            return webIdentity(who, chain, message);
        }
        if (environment.injection() == CredentialInjection.POD_IDENTITY) {
            return podIdentity(who, chain, message);
        }
        String said = SdkText.shorten(SdkText.stable(chain.isChain() ? listed(message) : message), MAX_MESSAGE);
        return CredentialFailure.of(FailedComponent.CHAIN,
                who + ", and neither EKS Pod Identity nor IRSA environment is present: " + said + ".",
                environment.inKubernetes() ? Remedies.NOTHING_INJECTED : Remedies.OUTSIDE_KUBERNETES);
    }

    private CredentialFailure webIdentity(String who, ChainMessage chain, String message) {
        String role = environment.irsaRoleArn().orElse("");
        Optional<String> file = environment.webIdentityTokenFile();
        if (file.isPresent()) {
            TokenFileCheck.Outcome token = TokenFileCheck.check("AWS_WEB_IDENTITY_TOKEN_FILE", file.get());
            if (token.problem().isPresent()) {
                return CredentialFailure.of(FailedComponent.TOKEN_FILE,
                        who + ": IRSA's " + token.problem().get() + ".", Remedies.IRSA_TOKEN_FILE);
            }
        }
        String said = SdkText.shorten(SdkText.stable(chain.of(ChainMessage.WEB_IDENTITY).orElse(message)), MAX_MESSAGE);
        String lower = said.toLowerCase(Locale.ROOT);
        String remedy;
        StsCallResult result;
        if (lower.contains("not authorized") || lower.contains("accessdenied") || lower.contains("access denied")) {
            remedy = Remedies.IRSA_TRUST;
            result = StsCallResult.REJECTED;
        } else if (lower.contains("invalididentitytoken") || lower.contains("no openid connect provider")) {
            remedy = Remedies.IRSA_OIDC;
            result = StsCallResult.REJECTED;
        } else if (lower.contains("throttl") || lower.contains("rate exceeded")) {
            // STS's Throttling answer says "Rate exceeded"; the SDK's message does not carry the error code.
            remedy = Remedies.IRSA_STS_THROTTLED;
            result = StsCallResult.THROTTLED;
        } else if (lower.contains("status code: 5") || lower.contains("unable to execute")
                || lower.contains("unavailable")) {
            remedy = Remedies.IRSA_STS_UNAVAILABLE;
            result = StsCallResult.UNAVAILABLE;
        } else {
            remedy = Remedies.IRSA_OTHER;
            result = StsCallResult.MISCONFIGURED;
        }
        return CredentialFailure.ofSts(
                who + ": IRSA's web identity provider could not assume " + role + " (STS AssumeRoleWithWebIdentity): "
                        + said + (said.endsWith(".") ? "" : "."),
                remedy, result);
    }

    private CredentialFailure podIdentity(String who, ChainMessage chain, String message) {
        String said = SdkText.stable(chain.of(ChainMessage.CONTAINER).orElse(message));
        String prefix = who + ": EKS Pod Identity: ";
        String tokenText = null;
        if (!environment.containerAuthorizationTokenPresent()) {
            String file = environment.containerAuthorizationTokenFile().orElse("");
            TokenFileCheck.Outcome token = TokenFileCheck.check("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file);
            if (token.problem().isPresent()) {
                return CredentialFailure.of(FailedComponent.TOKEN_FILE, prefix + token.problem().get() + ".",
                        token.problem().get().contains("HTTP header") ? Remedies.TOKEN_NOT_A_HEADER
                                : Remedies.POD_IDENTITY_TOKEN_FILE);
            }
            tokenText = token.token().orElseThrow();
        }
        String lower = said.toLowerCase(Locale.ROOT);
        if (lower.contains("invalid host") || lower.contains("full uri")) {
            return CredentialFailure.of(FailedComponent.AGENT, prefix + "AWS_CONTAINER_CREDENTIALS_FULL_URI is not"
                    + " usable: " + SdkText.shorten(said, MAX_MESSAGE) + ".", Remedies.AGENT_URI);
        }
        URI uri;
        try {
            uri = URI.create(environment.containerCredentialsFullUri().orElse(""));
        } catch (IllegalArgumentException e) {
            return CredentialFailure.of(FailedComponent.AGENT, prefix + "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a"
                    + " valid URL.", Remedies.AGENT_URI);
        }
        if (uri.getHost() == null || tokenText == null) {
            return CredentialFailure.of(FailedComponent.AGENT, prefix + "the container credentials provider said: "
                    + SdkText.shorten(said, MAX_MESSAGE), Remedies.AGENT_ERROR);
        }
        AgentCheck.Answer answer = askAgent(uri, tokenText);
        String reason = prefix + answer.text() + ".";
        return switch (answer.kind()) {
            case ANSWERED_OK -> CredentialFailure.of(FailedComponent.AGENT, prefix + answer.text()
                    + "; when the chain asked, the container credentials provider said: "
                    + SdkText.shorten(said, MAX_MESSAGE), Remedies.AGENT_RECOVERED);
            case ANSWERED_HTML -> CredentialFailure.of(FailedComponent.AGENT, reason, Remedies.AGENT_HTML);
            case REFUSED -> CredentialFailure.of(FailedComponent.AGENT, reason, Remedies.AGENT_NOT_RUNNING);
            case NO_ANSWER -> CredentialFailure.of(FailedComponent.AGENT, reason, Remedies.AGENT_HANGS);
            case NOT_REACHED -> CredentialFailure.of(FailedComponent.AGENT, reason, Remedies.AGENT_NOT_REACHED);
            case ANSWERED_ERROR -> CredentialFailure.of(FailedComponent.AGENT, reason,
                    answer.status() == 404 ? Remedies.AGENT_NOT_FOUND
                            : answer.status() / 100 == 4 ? Remedies.AGENT_REFUSED_TOKEN
                            : Remedies.AGENT_ERROR);
        };
    }

    private synchronized AgentCheck.Answer askAgent(URI uri, String token) {
        Instant now = clock.instant();
        if (lastAnswer == null || !now.isBefore(lastAsked.plus(AGENT_CHECK_INTERVAL))) {
            lastAnswer = AgentCheck.ask(uri, token);
            lastAsked = clock.instant();
        }
        return lastAnswer;
    }

    /** The part of a chain message after the provider list: what each provider said. */
    private static String listed(String message) {
        int list = message.indexOf(" : [");
        return list >= 0 ? message.substring(list + 3) : message;
    }

    /** Remedies, one per cause. */
    static final class Remedies {
        static final String OUTSIDE_KUBERNETES = "Outside Kubernetes, give the SDK credentials as usual (AWS_PROFILE,"
                + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a credentials file).";
        static final String NOTHING_INJECTED = "Create the EKS Pod Identity association (or annotate the service account"
                + " with eks.amazonaws.com/role-arn for IRSA), then recreate the pod.";
        static final String IRSA_TOKEN_FILE = "The EKS pod identity webhook mounts the projected token at"
                + " AWS_WEB_IDENTITY_TOKEN_FILE when it admits the pod: check the pod's volumes and the container's"
                + " securityContext (the file must be readable by the process), then recreate the pod.";
        static final String IRSA_TRUST = "Let the role's trust policy allow sts:AssumeRoleWithWebIdentity for the"
                + " cluster's OIDC provider and this service account (system:serviceaccount:NAMESPACE:NAME).";
        static final String IRSA_OIDC = "Register the cluster's OIDC issuer as an IAM OIDC identity provider in the"
                + " role's account, with audience sts.amazonaws.com.";
        static final String IRSA_STS_UNAVAILABLE = "Check network access to the regional STS endpoint (and"
                + " AWS_STS_REGIONAL_ENDPOINTS=regional, AWS_REGION); role-probe retries with backoff.";
        static final String IRSA_STS_THROTTLED = "STS throttles the account's AssumeRoleWithWebIdentity requests"
                + " (its quota is shared by every pod and service of the account): look for what else calls STS"
                + " (CloudTrail's eventSource sts.amazonaws.com), or ask for a higher quota; role-probe backs off to"
                + " role-probe.backoff.persistent-max at once.";
        static final String IRSA_OTHER = "Check the eks.amazonaws.com/role-arn annotation of the service account and"
                + " the role's trust policy; role-probe retries with backoff.";
        static final String POD_IDENTITY_TOKEN_FILE = "The EKS Pod Identity webhook mounts the projected token at"
                + " AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE when it admits the pod: check the pod's volumes (nothing"
                + " else may be mounted at that path) and the container's securityContext (the file must be readable"
                + " by the process), then recreate the pod.";
        static final String TOKEN_NOT_A_HEADER = "Make the token file hold the token only, without a trailing line"
                + " break: the kubelet writes the projected token without one, so check what replaced or mounted over"
                + " the file. A restart does not help.";
        static final String AGENT_URI = "Leave AWS_CONTAINER_CREDENTIALS_FULL_URI as the EKS Pod Identity webhook"
                + " injects it (http://169.254.170.23/v1/credentials); over http the SDK accepts only a loopback host,"
                + " 169.254.170.2 or 169.254.170.23.";
        static final String AGENT_NOT_RUNNING = "Check that the eks-pod-identity-agent DaemonSet runs a ready pod on this"
                + " node (kubectl -n kube-system get pods -l app.kubernetes.io/name=eks-pod-identity-agent -o wide);"
                + " role-probe keeps retrying with backoff.";
        static final String AGENT_HANGS = "Check the eks-pod-identity-agent pod on this node and its logs (kubectl -n"
                + " kube-system logs); a network policy or proxy in between can also hold the connection. role-probe"
                + " keeps retrying with backoff.";
        static final String AGENT_NOT_REACHED = "Check that the pod can reach the agent's address (network policies,"
                + " the node's link-local route); role-probe keeps retrying with backoff.";
        static final String AGENT_HTML = "Something other than the EKS Pod Identity agent answers at that address (a"
                + " proxy or another server): check AWS_CONTAINER_CREDENTIALS_FULL_URI and proxy settings such as"
                + " HTTP_PROXY and NO_PROXY (169.254.170.23 must not go through a proxy).";
        static final String AGENT_NOT_FOUND = "The agent has nothing at that path: leave"
                + " AWS_CONTAINER_CREDENTIALS_FULL_URI as the webhook injects it (http://169.254.170.23/v1/credentials).";
        static final String AGENT_REFUSED_TOKEN = "Check that an EKS Pod Identity association exists for this"
                + " namespace and service account (aws eks list-pod-identity-associations) and the agent's logs; a new"
                + " association can take a few seconds to be effective. role-probe keeps retrying with backoff.";
        static final String AGENT_ERROR = "Check the eks-pod-identity-agent pod on this node and its logs (kubectl -n"
                + " kube-system logs); role-probe keeps retrying with backoff.";
        static final String AGENT_RECOVERED = "None if the next attempt succeeds: the agent answers again, and"
                + " role-probe retries with backoff.";

        private Remedies() {
        }
    }
}
