package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * What the SDK makes of a broken Pod Identity token file. The container provider reads the file on
 * every refresh, before any request: a file it cannot read fails with "Failed to read &lt;path&gt;." and the
 * agent sees nothing; the default chain then falls through to the node role.
 */
class TokenFileProblemsTest {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";

    private static EksPodSimulator withProblem(TokenFileProblem problem) {
        EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE).podIdentityTokenFileProblem(problem).start();
        sim.applySystemProperties();
        return sim;
    }

    @Test
    void aMissingFileFailsBeforeAnyRequest() {
        try (EksPodSimulator sim = withProblem(TokenFileProblem.MISSING);
             ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            Path file = sim.podIdentityTokenFile();
            assertThat(file).doesNotExist();
            assertThat(System.getProperty("aws.containerAuthorizationTokenFile")).isEqualTo(file.toString());
            assertThatThrownBy(provider::resolveCredentials).isExactlyInstanceOf(SdkClientException.class)
                    .hasMessage("Failed to read " + file + ".")
                    .cause().isInstanceOf(NoSuchFileException.class).hasMessage(file.toString());
            assertThat(sim.counters().agentRequests()).isZero();
        }
    }

    @Test
    void aDirectoryFailsBeforeAnyRequest() {
        try (EksPodSimulator sim = withProblem(TokenFileProblem.DIRECTORY);
             ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            assertThat(sim.podIdentityTokenFile()).isDirectory();
            assertThatThrownBy(provider::resolveCredentials).isExactlyInstanceOf(SdkClientException.class)
                    .hasMessage("Failed to read " + sim.podIdentityTokenFile() + ".")
                    .cause().isExactlyInstanceOf(IOException.class).hasMessage("Is a directory");
            assertThat(sim.counters().agentRequests()).isZero();
        }
    }

    @Test
    void anUnreadableFileFailsBeforeAnyRequestUnlessTheTestRunsAsRoot() throws Exception {
        try (EksPodSimulator sim = withProblem(TokenFileProblem.UNREADABLE);
             ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            Path file = sim.podIdentityTokenFile();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("---------");
            assumeFalse(Files.isReadable(file), "this JVM can read a file with permissions 000: it runs as root "
                    + "(or with CAP_DAC_OVERRIDE), for which permission bits do not stop reading, so the SDK would read "
                    + "the token and succeed; only the file's mode is checked here");
            assertThatThrownBy(provider::resolveCredentials).isExactlyInstanceOf(SdkClientException.class)
                    .hasMessage("Failed to read " + file + ".")
                    .cause().isInstanceOf(AccessDeniedException.class);
            assertThat(sim.counters().agentRequests()).isZero();
        }
    }

    @Test
    void aTrailingCrLfIsRefusedByTheJvmsHttpClientSoTheAgentNeverSeesARequest() throws Exception {
        try (EksPodSimulator sim = withProblem(TokenFileProblem.TRAILING_CRLF);
             ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            String content = Files.readString(sim.podIdentityTokenFile());
            assertThat(content).endsWith("\r\n");
            String token = content.substring(0, content.length() - 2);
            assertThat(sim.issuedSecrets().contains(token)).isTrue();

            Throwable thrown = null;
            try {
                provider.resolveCredentials();
            } catch (SdkClientException e) {
                thrown = e;
            }
            // HttpURLConnection puts the whole header value into its message: the token leaks into the
            // cause chain. Checked on strings and classes only, so that a failure prints no token.
            assertThat(thrown != null).as("the provider failed").isTrue();
            assertThat(thrown.getMessage()).isEqualTo("Failed to load credentials from metadata service.");
            Throwable cause = thrown.getCause();
            assertThat(cause == null ? null : cause.getClass()).isEqualTo(IllegalArgumentException.class);
            assertThat(cause.getMessage().startsWith("Illegal character(s) in message header value: ")).isTrue();
            assertThat(cause.getMessage().contains(token)).as("the cause's message holds the token").isTrue();
            assertThat(thrown.getMessage().contains(token)).isFalse();
            assertThat(sim.counters().agentRequests()).isZero();
        }
    }

    @Test
    void atDebugTheSdksChainLogsTheCauseAndWithItTheToken() {
        try (EksPodSimulator sim = withProblem(TokenFileProblem.TRAILING_CRLF);
             LogCapture logs = LogCapture.start();
             DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
            chain.resolveCredentials();
            // logback-test.xml has software.amazon.awssdk.auth at DEBUG, as the other modules' tests do
            java.util.List<String> leaking = logs.linesContainingAnyOf(sim.issuedSecrets());
            assertThat(leaking.stream().map(l -> l.substring(0, l.indexOf(' ', l.indexOf(' ') + 1))).distinct().toList())
                    .as("level and logger of the lines that hold the token")
                    .containsExactly("DEBUG software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain");
        }
    }

    @Test
    void theDefaultChainFallsThroughEveryTokenFileProblemToTheNodeRole() {
        for (TokenFileProblem problem : new TokenFileProblem[] {TokenFileProblem.MISSING, TokenFileProblem.DIRECTORY,
                TokenFileProblem.TRAILING_CRLF}) {
            try (EksPodSimulator sim = withProblem(problem);
                 DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
                 StsClient sts = Sdk.sts(sim, chain)) {
                assertThat(sts.getCallerIdentity().arn()).as("%s", problem).isEqualTo(sim.nodeRoleCallerArn());
                assertThat(sim.counters().agentRequests()).as("%s", problem).isZero();
            }
        }
    }

    @Test
    void theProblemCanBeRepairedWhileRunning() {
        try (EksPodSimulator sim = withProblem(TokenFileProblem.MISSING)) {
            assertThat(sim.podIdentityTokenFileProblem()).isEqualTo(TokenFileProblem.MISSING);
            sim.setPodIdentityTokenFileProblem(TokenFileProblem.DIRECTORY);
            assertThat(sim.podIdentityTokenFile()).isDirectory();
            sim.setPodIdentityTokenFileProblem(TokenFileProblem.NONE);
            assertThat(sim.podIdentityTokenFile()).isRegularFile();
            try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build();
                 StsClient sts = Sdk.sts(sim, provider)) {
                assertThat(sts.getCallerIdentity().arn()).isEqualTo(sim.podIdentityCallerArn());
            }
            assertThat(sim.counters().agentRequests()).isEqualTo(1);
        }
    }

    @Test
    void tokenFileProblemsNeedPodIdentity() {
        assertThatThrownBy(() -> EksPodSimulator.builder().podIdentityTokenFileProblem(TokenFileProblem.MISSING).start())
                .isInstanceOf(IllegalStateException.class);
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            assertThat(sim.podIdentityTokenFileProblem()).isEqualTo(TokenFileProblem.NONE);
            assertThatThrownBy(() -> sim.setPodIdentityTokenFileProblem(TokenFileProblem.MISSING))
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
