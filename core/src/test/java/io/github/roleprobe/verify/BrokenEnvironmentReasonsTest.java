package io.github.roleprobe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.diagnosis.CredentialFailureDiagnosis;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.AgentFailure;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.ImdsMode;
import io.github.roleprobe.testkit.StsFailure;
import io.github.roleprobe.testkit.TokenFileProblem;
import io.github.roleprobe.testkit.internal.ReservedPort;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * In broken set-ups the reason names the component that should have answered and how it failed, in words that stay
 * the same from attempt to attempt, never a token, and the remedy fits that cause. Each set-up runs through the real
 * SDK default credential provider chain against the testkit (IMDS absent, as the README advises), two attempts one by
 * one on a {@link SteppingScheduler}.
 */
class BrokenEnvironmentReasonsTest {

    private static final String ORDERS = "arn:aws:iam::111122223333:role/orders";

    private final PodScenario scenario = new PodScenario();
    private final SteppingScheduler scheduler = new SteppingScheduler();
    private EksPodSimulator pod;
    private IdentityVerifier verifier;

    @AfterEach
    void noSecretInReasonsOrLogsAndEverythingIsClosed() throws Exception {
        scenario.close();
    }

    private void start(EksPodSimulator.Builder builder) {
        pod = scenario.startPod(builder);
        verifier = IdentityVerifier.builder()
                .config(RoleProbeConfig.builder().roleArns(List.of(ORDERS)).build())
                .environment(PodEnvironment.of(pod.environment()))
                .scheduler(scheduler)
                .random(() -> 0.0)
                .listener(new LoggingListener())
                .build();
        scenario.add(verifier);
        verifier.start();
    }

    /** Runs two attempts; the reason must not change between them. */
    private VerificationSnapshot twoAttempts() {
        scheduler.runNext();
        VerificationSnapshot first = verifier.snapshot();
        scheduler.runNext();
        VerificationSnapshot second = verifier.snapshot();
        assertThat(second.reason()).as("the reason is stable from attempt to attempt").isEqualTo(first.reason());
        assertThat(second.remedy()).isEqualTo(first.remedy());
        assertThat(second.reason()).doesNotContain("Request ID", "SDK Attempt Count").doesNotMatch(".*@[0-9a-f]{6,}.*");
        for (String secret : pod.issuedSecrets()) {
            assertThat(second.reason()).doesNotContain(secret);
        }
        assertThat(second.stsCalls()).isEqualTo(pod.counters().stsGetCallerIdentityCalls());
        return second;
    }

    private EksPodSimulator.Builder podIdentityWithoutImds() {
        return EksPodSimulator.builder().podIdentity(ORDERS).imds(ImdsMode.ABSENT);
    }

    @Test
    void agentAnswering404NamesTheAgentItsStatusAndItsMessage() {
        start(podIdentityWithoutImds().agentOutage(AgentFailure.NOT_FOUND_404));

        VerificationSnapshot s = twoAttempts();

        assertThat(s.state()).isEqualTo(VerificationState.NO_CREDENTIALS);
        assertThat(s.reason()).startsWith("The SDK default credential provider chain returned no credentials: EKS Pod"
                + " Identity: the agent at 127.0.0.1:" + pod.podIdentityAgentUri().getPort() + " answered 404: \"");
        assertThat(s.remedy()).contains("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    }

    @Test
    void agentAnswering403IsTheAgentRefusingTheTokenWithAnAssociationRemedy() {
        ManualClock clock = new ManualClock(java.time.Instant.parse("2026-12-03T10:00:00Z"));
        pod = scenario.startPod(podIdentityWithoutImds().agentOutage(AgentFailure.FORBIDDEN_403));
        verifier = IdentityVerifier.builder()
                .config(RoleProbeConfig.builder().roleArns(List.of(ORDERS)).build())
                .environment(PodEnvironment.of(pod.environment()))
                .scheduler(scheduler).random(() -> 0.0).clock(clock).listener(new LoggingListener()).build();
        scenario.add(verifier);
        verifier.start();

        VerificationSnapshot s = twoAttempts();
        // The SDK's container provider asks once per attempt (no retry on 403); the diagnosis asked once for both.
        assertThat(pod.counters().agentRequests()).isEqualTo(3);
        clock.advance(CredentialFailureDiagnosis.AGENT_CHECK_INTERVAL);
        scheduler.runNext();
        assertThat(pod.counters().agentRequests()).as("asked again once the interval passed").isEqualTo(5);

        assertThat(s.state()).isEqualTo(VerificationState.NO_CREDENTIALS);
        assertThat(s.reason()).contains("EKS Pod Identity: the agent at 127.0.0.1:").contains(" answered 403: \"");
        assertThat(s.remedy()).contains("list-pod-identity-associations");
    }

    @Test
    void aBadGatewayHtmlPageIsNotTheAgentsAnswer() {
        start(podIdentityWithoutImds().agentOutage(AgentFailure.BAD_GATEWAY_502_HTML));

        VerificationSnapshot s = twoAttempts();

        assertThat(s.reason()).contains("answered 502 with an HTML page, not an answer of the EKS Pod Identity agent")
                .doesNotContain("<html", "<HTML");
        assertThat(s.remedy()).contains("NO_PROXY");
    }

    @Test
    void anAgentThatAcceptsAndNeverAnswersNamesHostPortAndTimeout() {
        start(podIdentityWithoutImds().agentOutage(AgentFailure.TIMEOUT).requestHold(Duration.ofSeconds(5)));

        VerificationSnapshot s = twoAttempts();

        assertThat(s.reason()).contains("the agent at 127.0.0.1:" + pod.podIdentityAgentUri().getPort()
                + " accepted the connection but did not answer within 2000 ms");
        assertThat(s.remedy()).contains("eks-pod-identity-agent");
    }

    @Test
    void nothingListeningAtTheAgentsAddressIsAnAgentThatIsNotRunning() throws Exception {
        ReservedPort closed = ReservedPort.reserve();
        scenario.add(closed);
        EksPodSimulator.Builder builder = podIdentityWithoutImds();
        pod = scenario.startPod(builder);
        System.setProperty("aws.containerCredentialsFullUri", "http://127.0.0.1:" + closed.port() + "/v1/credentials");
        scenario.add(() -> System.clearProperty("aws.containerCredentialsFullUri"));
        verifier = IdentityVerifier.builder()
                .config(RoleProbeConfig.builder().roleArns(List.of(ORDERS)).build())
                .environment(PodEnvironment.of(pod.environment()))
                .scheduler(scheduler).random(() -> 0.0).listener(new LoggingListener()).build();
        scenario.add(verifier);
        verifier.start();

        VerificationSnapshot s = twoAttempts();

        assertThat(s.reason()).contains("nothing accepts connections at 127.0.0.1:" + closed.port()
                + " (connection refused)");
        assertThat(s.remedy()).contains("eks-pod-identity-agent DaemonSet");
    }

    @Test
    void aMissingTokenFileIsNamedByPathWithoutAskingTheAgent() {
        start(podIdentityWithoutImds().podIdentityTokenFileProblem(TokenFileProblem.MISSING));

        VerificationSnapshot s = twoAttempts();

        assertThat(s.reason()).contains("EKS Pod Identity: the token file " + pod.podIdentityTokenFile()
                + " (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) does not exist.");
        assertThat(s.remedy()).contains("volumes");
        assertThat(pod.counters().agentRequests()).isZero();
    }

    @Test
    void anUnreadableTokenFileIsNamedWhereThePermissionBitsApply() {
        start(podIdentityWithoutImds().podIdentityTokenFileProblem(TokenFileProblem.UNREADABLE));
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(pod.podIdentityTokenFile()),
                "running as root: permission bits do not stop reading");

        VerificationSnapshot s = twoAttempts();

        assertThat(s.reason()).contains("the token file " + pod.podIdentityTokenFile()
                + " (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) cannot be read by this process (permission denied).");
        assertThat(s.remedy()).contains("securityContext");
    }

    @Test
    void aDirectoryAtTheTokenFilesPathIsNamed() {
        start(podIdentityWithoutImds().podIdentityTokenFileProblem(TokenFileProblem.DIRECTORY));

        VerificationSnapshot s = twoAttempts();

        assertThat(s.reason()).contains("the token file " + pod.podIdentityTokenFile()
                + " (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) is a directory, not a file.");
    }

    @Test
    void aTokenEndingInCrLfIsNotAValidHeaderValueAndARestartIsNotSuggested() throws Exception {
        start(podIdentityWithoutImds().podIdentityTokenFileProblem(TokenFileProblem.TRAILING_CRLF));

        VerificationSnapshot s = twoAttempts();

        assertThat(s.reason()).contains("ends with a line break (CR or LF), which is not allowed in an HTTP header"
                + " value: the JVM refuses to send it, so the request never leaves the pod");
        assertThat(s.remedy()).contains("A restart does not help").doesNotContain("Recreate", "restart builds");
        String token = Files.readString(pod.podIdentityTokenFile()).strip();
        assertThat(s.reason()).doesNotContain(token);
        assertThat(scenario.logLines()).noneMatch(line -> line.contains(token));
        assertThat(pod.counters().agentRequests()).isZero();
    }

    @Test
    void irsaFailingAtStsNamesStsAndTheRoleWithoutRequestIds() {
        start(EksPodSimulator.builder().irsa(ORDERS).imds(ImdsMode.ABSENT)
                .stsFailFirst(100, StsFailure.SERVICE_UNAVAILABLE_503));

        VerificationSnapshot s = twoAttempts();

        assertThat(s.state()).isEqualTo(VerificationState.NO_CREDENTIALS);
        assertThat(s.reason()).startsWith("The SDK default credential provider chain returned no credentials: IRSA's"
                + " web identity provider could not assume " + ORDERS + " (STS AssumeRoleWithWebIdentity): ")
                .contains("Status Code: 503");
        assertThat(s.remedy()).contains("regional STS endpoint");
    }

    @Test
    void clockSkewIsMisconfiguredKeepingStssMessageWithATimeSyncRemedy() {
        start(podIdentityWithoutImds().stsFailFirst(100, StsFailure.CLOCK_SKEW_SIGNATURE_EXPIRED));

        // STS's message carries the request time and its own: the reason keeps their distance, not the times.
        VerificationSnapshot s = twoAttempts();

        assertThat(s.state()).isEqualTo(VerificationState.MISCONFIGURED);
        assertThat(s.reason()).isEqualTo("STS answered 403 SignatureDoesNotMatch: \"Signature expired: the request time"
                + " is more than 15 min. before STS's time (the request time was about 20 minutes behind STS's)\""
                + " (the request was signed with this JVM's clock, which differs from AWS time)");
        assertThat(s.remedy()).contains("Synchronise the node's clock");
        assertThat(s.stsCalls()).isEqualTo(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(2);
    }

    @Test
    void requestExpiredIsClockSkewToo() {
        start(podIdentityWithoutImds().stsFailFirst(100, StsFailure.REQUEST_EXPIRED));

        scheduler.runNext();
        VerificationSnapshot s = verifier.snapshot();

        assertThat(s.state()).isEqualTo(VerificationState.MISCONFIGURED);
        assertThat(s.reason()).startsWith("STS answered 400 RequestExpired");
        assertThat(s.remedy()).contains("Synchronise the node's clock");
    }

    @Test
    void noRegionAnywhereIsMisconfiguredInStableWordsWithARegionRemedyAndNoStsCall() {
        start(podIdentityWithoutImds().noRegion());

        VerificationSnapshot s = twoAttempts();

        assertThat(s.state()).isEqualTo(VerificationState.MISCONFIGURED);
        assertThat(s.reason()).isEqualTo("No AWS region for role-probe's STS client: role-probe.region is not set and"
                + " the SDK region provider chain found none (AWS_REGION or aws.region, the AWS profile, IMDS)");
        assertThat(s.remedy()).contains("role-probe.region=eu-west-1", "AWS_REGION");
        assertThat(s.stsCalls()).isZero();
        assertThat(pod.counters().stsRequests()).isZero();
    }

    @Test
    void outsideKubernetesWithNothingInjectedBlamesTheChainInStableWords() {
        start(EksPodSimulator.builder().inKubernetes(false).imds(ImdsMode.ABSENT));

        VerificationSnapshot s = twoAttempts();

        assertThat(s.state()).isEqualTo(VerificationState.NO_CREDENTIALS);
        assertThat(s.reason()).startsWith("The SDK default credential provider chain returned no credentials, and"
                + " neither EKS Pod Identity nor IRSA environment is present: ");
        assertThat(s.remedy()).contains("AWS_PROFILE");
    }

    @Test
    void anAssociationWithATargetRoleHintsAtTheTargetRoleWhenTheAssociationsRoleIsExpected() {
        String gateway = "arn:aws:iam::111122223333:role/gateway";
        String gatewayProd = "arn:aws:iam::444455556666:role/gateway-prod";
        pod = scenario.startPod(EksPodSimulator.builder().podIdentity(gateway).podIdentityTargetRole(gatewayProd)
                .imds(ImdsMode.ABSENT));
        verifier = IdentityVerifier.builder()
                .config(RoleProbeConfig.builder().roleArns(List.of(gateway)).build())
                .environment(PodEnvironment.of(pod.environment()))
                .scheduler(scheduler).random(() -> 0.0).listener(new LoggingListener()).build();
        scenario.add(verifier);
        verifier.start();

        VerificationSnapshot s = twoAttempts();

        assertThat(s.state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        assertThat(s.wrongIdentityKind()).contains(WrongIdentityKind.OTHER);
        assertThat(s.reason()).contains("arn:aws:sts::444455556666:assumed-role/gateway-prod/")
                .contains("the caller is the association's target role when it has one (targetRoleArn): "
                        + gatewayProd + " may be this association's target role.");
        assertThat(s.remedy()).startsWith("If the EKS Pod Identity association has a target role (targetRoleArn),"
                + " expect that role: role-probe.role-arns=" + gatewayProd);
    }

    @Test
    void anAssociationWithATargetRoleIsVerifiedWhenTheTargetRoleIsExpected() {
        String gatewayProd = "arn:aws:iam::444455556666:role/gateway-prod";
        pod = scenario.startPod(EksPodSimulator.builder().podIdentity("arn:aws:iam::111122223333:role/gateway")
                .podIdentityTargetRole(gatewayProd).imds(ImdsMode.ABSENT));
        verifier = IdentityVerifier.builder()
                .config(RoleProbeConfig.builder().roleArns(List.of(gatewayProd)).build())
                .environment(PodEnvironment.of(pod.environment()))
                .scheduler(scheduler).random(() -> 0.0).listener(new LoggingListener()).build();
        scenario.add(verifier);
        verifier.start();

        scheduler.runNext();

        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.VERIFIED);
        assertThat(verifier.snapshot().stsCalls()).isEqualTo(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
    }

    @Test
    void aNewCauseWithinTheSameStateIsLoggedOnceAndARepeatedOneNotAgain() {
        start(podIdentityWithoutImds().agentOutage(AgentFailure.FORBIDDEN_403)
                .podIdentityTokenFileProblem(TokenFileProblem.MISSING));
        for (int i = 0; i < 3; i++) {
            scheduler.runNext();
        }
        pod.setPodIdentityTokenFileProblem(TokenFileProblem.NONE);
        for (int i = 0; i < 3; i++) {
            scheduler.runNext();
        }

        List<String> logged = scenario.logLines().stream().filter(l -> l.contains("AWS identity NO_CREDENTIALS")).toList();
        assertThat(logged).hasSize(2);
        assertThat(logged.get(0)).contains("does not exist");
        assertThat(logged.get(1)).contains(" answered 403");
    }
}
