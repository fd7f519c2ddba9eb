package io.github.roleprobe.sts;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.guard.RequestGuardInterceptor;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityRequest;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Calls STS {@code GetCallerIdentity} (STS API Reference) signed with exactly the credentials it is
 * given, and classifies every failure instead of throwing.
 *
 * <p>The STS client is built on first use: regional endpoint of the configured region, else of the SDK
 * region provider chain; endpoint override from configuration, else whatever the SDK itself reads from
 * {@code AWS_ENDPOINT_URL_STS} / {@code aws.endpointUrlSts}. It uses the {@code url-connection-client},
 * no SDK retries (the verifier backs off itself), and the configured STS timeout for the whole call.
 * {@code GetCallerIdentity} needs no IAM permission.
 *
 * <p>Its requests carry {@link RequestGuardInterceptor#UNGUARDED}: role-probe's own calls never feed its request
 * guard. Thread-safe (the verifier's thread and, in {@code role-probe.guard.mode=enforce}, application threads that
 * wait for a key's identification call it). {@link #close()} releases the HTTP client.
 */
public final class CallerIdentityClient implements AutoCloseable {

    /**
     * The application id of role-probe's STS client: its requests carry {@code app/role-probe} in their
     * {@code User-Agent}, which CloudTrail records as {@code userAgent}, so role-probe's {@code GetCallerIdentity}
     * calls can be told apart from the application's: {@value}.
     */
    public static final String APP_ID = "role-probe";

    private final RoleProbeConfig config;
    private StsClient client; // guarded by this

    /**
     * @param config region, endpoint and timeout come from here
     */
    public CallerIdentityClient(RoleProbeConfig config) {
        this.config = config;
    }

    /**
     * Asks STS who owns {@code credentials}. Never throws for STS or network problems; blocks at most
     * about the configured STS timeout.
     *
     * @param credentials the credentials to sign with; sent only to STS, never logged
     * @return the caller identity or the classified failure
     */
    public CallerIdentityResult getCallerIdentity(AwsCredentials credentials) {
        StsClient sts;
        try {
            sts = client();
        } catch (SdkClientException e) {
            // The SDK's region chain message lists its providers with identity hashes: say it in stable words.
            return CallerIdentityResult.notSent(CallerIdentityResult.Failure.NO_REGION,
                    "No AWS region for role-probe's STS client: " + RoleProbeConfig.REGION + " is not set and the SDK"
                            + " region provider chain found none (AWS_REGION or aws.region, the AWS profile, IMDS)");
        } catch (IllegalArgumentException e) {
            return CallerIdentityResult.notSent(CallerIdentityResult.Failure.MISCONFIGURED,
                    "Cannot build the STS client: " + firstLine(e.getMessage()));
        }
        AwsCredentialsProvider signing = StaticCredentialsProvider.create(credentials);
        try {
            GetCallerIdentityResponse answer = sts.getCallerIdentity(GetCallerIdentityRequest.builder()
                    .overrideConfiguration(o -> o.credentialsProvider(signing))
                    .build());
            if (answer.arn() == null) {
                return CallerIdentityResult.failure(CallerIdentityResult.Failure.UNAVAILABLE,
                        "STS answered without an Arn");
            }
            return CallerIdentityResult.identity(answer.arn(), answer.account());
        } catch (AwsServiceException e) {
            return classify(e);
        } catch (ApiCallTimeoutException e) {
            return CallerIdentityResult.failure(CallerIdentityResult.Failure.UNAVAILABLE,
                    "STS did not answer within " + config.stsTimeout().toMillis() + " ms");
        } catch (SdkException e) {
            String what = "STS call failed: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
            return notConnected(e)
                    ? CallerIdentityResult.notSent(CallerIdentityResult.Failure.UNAVAILABLE, what)
                    : CallerIdentityResult.failure(CallerIdentityResult.Failure.UNAVAILABLE, what);
        }
    }

    private static CallerIdentityResult classify(AwsServiceException e) {
        String code = e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                ? e.awsErrorDetails().errorCode() : "HTTP " + e.statusCode();
        String what = "STS answered " + e.statusCode() + " " + code;
        if (e.isThrottlingException()) {
            return CallerIdentityResult.failure(CallerIdentityResult.Failure.THROTTLED, what);
        }
        if (e.statusCode() >= 500) {
            return CallerIdentityResult.failure(CallerIdentityResult.Failure.UNAVAILABLE, what);
        }
        String message = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : "";
        if (e.isClockSkewException() || "RequestExpired".equals(code)
                || ("SignatureDoesNotMatch".equals(code) && (message.startsWith("Signature expired")
                        || message.startsWith("Signature not yet current")))) {
            // STS's own message says how far apart the request time and its clock are: keep it, in stable words.
            return CallerIdentityResult.failure(CallerIdentityResult.Failure.CLOCK_SKEW,
                    what + (message.isEmpty() ? "" : ": \"" + ClockSkewText.stable(firstLine(message)) + "\"")
                            + " (the request was signed with this JVM's clock, which differs from AWS time)");
        }
        switch (code) {
            case "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "UnrecognizedClientException",
                    "IncompleteSignature", "SignatureDoesNotMatch", "InvalidToken":
                return CallerIdentityResult.failure(CallerIdentityResult.Failure.CREDENTIALS_REJECTED,
                        what + ": the credentials the chain resolved were rejected");
            default:
                return CallerIdentityResult.failure(CallerIdentityResult.Failure.MISCONFIGURED,
                        what + ": check " + RoleProbeConfig.STS_ENDPOINT + " and " + RoleProbeConfig.REGION);
        }
    }

    private synchronized StsClient client() {
        if (client == null) {
            StsClientBuilder builder = StsClient.builder()
                    .region(region())
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(config.stsTimeout())
                            .socketTimeout(config.stsTimeout()))
                    .credentialsProvider(() -> {
                        throw SdkClientException.create("role-probe signs every call with the credentials it verifies");
                    })
                    .overrideConfiguration(o -> o
                            // "app/role-probe" in the User-Agent: CloudTrail's userAgent tells role-probe's calls apart.
                            .appId(APP_ID)
                            .putExecutionAttribute(RequestGuardInterceptor.UNGUARDED, Boolean.TRUE)
                            .retryStrategy(AwsRetryStrategy.doNotRetry())
                            .apiCallTimeout(config.stsTimeout()));
            config.stsEndpoint().ifPresent(builder::endpointOverride);
            client = builder.build();
        }
        return client;
    }

    private Region region() {
        Optional<String> configured = config.region();
        if (configured.isPresent()) {
            return Region.of(configured.get());
        }
        return DefaultAwsRegionProviderChain.builder().build().getRegion();
    }

    /** A connection that was never opened (refused, unknown host): nothing reached STS. */
    private static boolean notConnected(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** Releases the STS client and its HTTP client. Idempotent. */
    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
