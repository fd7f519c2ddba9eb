package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Fidelity cross-check: the AWS SDK for JavaScript v3 (an independent implementation of the
 * credential chain, SigV4 and the STS client) must see the same caller ARN as the Java SDK, on
 * each path. Requires Node.js and {@code npm ci} in {@code src/test/node} (the Maven build runs it
 * when {@code node_modules} is missing); fails, never skips, without them.
 */
class NodeSdkCrossCheckTest {

    private static Path nodeDir;

    @BeforeAll
    static void requireNode() throws Exception {
        nodeDir = Path.of(System.getProperty("roleprobe.nodeDir", "src/test/node")).toAbsolutePath();
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("'node --version' failed: " + version);
            }
        } catch (IOException e) {
            fail("Node.js ('node' on PATH) is required for the AWS SDK for JavaScript cross-check of the simulator; "
                    + "install Node.js 18+ and run the build again", e);
        }
        if (!Files.isDirectory(nodeDir.resolve("node_modules/@aws-sdk/client-sts"))) {
            fail("the Node cross-check client is not installed: run 'npm ci' in " + nodeDir
                    + " (the Maven build does this when node_modules is missing)");
        }
    }

    @Test
    void nodeSdkSeesThePodIdentityRoleLikeTheJavaSdk() throws Exception {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity("arn:aws:iam::111122223333:role/orders").start()) {
            sim.applySystemProperties();
            String javaArn = javaCallerArn(sim, ContainerCredentialsProvider.builder().build());

            String nodeArn = nodeCallerArn(sim, Map.of());

            assertThat(javaArn).startsWith("arn:aws:sts::111122223333:assumed-role/orders/eks-demo-");
            assertThat(nodeArn).isEqualTo(javaArn);
            assertThat(sim.counters().agentRequests()).isEqualTo(2);
            assertThat(sim.counters().imdsRequests()).isZero();
        }
    }

    @Test
    void nodeSdkFallsBackToTheNodeRoleOverImdsLikeTheJavaSdk() throws Exception {
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            sim.applySystemProperties();
            String javaArn = javaCallerArn(sim, InstanceProfileCredentialsProvider.builder().build());

            String nodeArn = nodeCallerArn(sim, Map.of());

            assertThat(javaArn).isEqualTo("arn:aws:sts::111122223333:assumed-role/eks-node-group-role/i-0123456789abcdef0");
            assertThat(nodeArn).isEqualTo(javaArn);
            assertThat(sim.counters().imdsCredentialRequests()).isEqualTo(2);
        }
    }

    @Test
    void nodeSdkAssumesTheIrsaRoleLikeTheJavaSdk() throws Exception {
        try (EksPodSimulator sim = EksPodSimulator.builder().irsa("arn:aws:iam::111122223333:role/team/app/orders").start()) {
            sim.applySystemProperties();
            System.setProperty("aws.roleSessionName", "cross-check");
            String javaArn;
            try {
                javaArn = javaCallerArn(sim, WebIdentityTokenFileCredentialsProvider.create());
            } finally {
                System.clearProperty("aws.roleSessionName");
            }

            String nodeArn = nodeCallerArn(sim, Map.of("AWS_ROLE_SESSION_NAME", "cross-check"));

            assertThat(javaArn).isEqualTo("arn:aws:sts::111122223333:assumed-role/orders/cross-check");
            assertThat(nodeArn).isEqualTo(javaArn);
            assertThat(sim.counters().stsAssumeRoleWithWebIdentityCalls()).isEqualTo(2);
            assertThat(sim.counters().imdsRequests()).isZero();
        }
    }

    private static String javaCallerArn(EksPodSimulator sim, AwsCredentialsProvider provider) throws Exception {
        try (StsClient sts = Sdk.sts(sim, provider)) {
            return sts.getCallerIdentity().arn();
        } finally {
            if (provider instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    /** Runs {@code node caller-arn.mjs} with only the simulator's AWS settings; returns its one line of output. */
    private static String nodeCallerArn(EksPodSimulator sim, Map<String, String> extraEnv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("node", "caller-arn.mjs").directory(nodeDir.toFile());
        sim.applyEnvironment(pb.environment());
        pb.environment().putAll(extraEnv);
        pb.environment().keySet().removeIf(k -> k.equalsIgnoreCase("HTTP_PROXY") || k.equalsIgnoreCase("HTTPS_PROXY"));
        Process process = pb.start();
        process.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("node caller-arn.mjs did not finish within 60 s");
        }
        assertThat(process.exitValue()).as("node caller-arn.mjs exit status; stderr: %s", err.get()).isZero();
        return out.trim();
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
