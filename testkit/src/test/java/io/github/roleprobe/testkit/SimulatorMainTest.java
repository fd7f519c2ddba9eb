package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

class SimulatorMainTest {

    @Test
    void printsTheEnvironmentAndTheReadyLineThenStopsWhenStdinCloses(@TempDir Path dir) throws Exception {
        Path envFile = dir.resolve("sim.env");
        PipedOutputStream stdinWriter = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(stdinWriter);
        PipedInputStream stdoutReader = new PipedInputStream(1 << 16);
        PrintStream stdout = new PrintStream(new PipedOutputStream(stdoutReader), true, StandardCharsets.UTF_8);
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();

        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> SimulatorMain.run(new String[] {
                "--scenario", "pod-identity", "--consistent-after", "5s", "--env-file", envFile.toString()},
                stdin, stdout, new PrintStream(stderr, true, StandardCharsets.UTF_8)));

        List<String> lines = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(stdoutReader, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            lines.add(line);
            if (line.equals(SimulatorMain.READY_LINE)) {
                break;
            }
        }

        assertThat(lines).last().isEqualTo("role-probe simulator ready");
        assertThat(lines.subList(0, lines.size() - 1)).allMatch(l -> l.matches("export [A-Z_0-9]+='[^']*'"));
        assertThat(lines).anyMatch(l -> l.matches("export AWS_CONTAINER_CREDENTIALS_FULL_URI='http://127\\.0\\.0\\.1:\\d+/v1/credentials'"))
                .anyMatch(l -> l.startsWith("export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE='"))
                .anyMatch(l -> l.equals("export AWS_REGION='us-east-1'"))
                .anyMatch(l -> l.matches("export AWS_ENDPOINT_URL_SQS='http://127\\.0\\.0\\.1:\\d+'"))
                .anyMatch(l -> l.startsWith("export KUBERNETES_SERVICE_HOST="))
                .noneMatch(l -> l.contains("AWS_SECRET_ACCESS_KEY") || l.contains("AWS_SESSION_TOKEN"));
        List<String> fileLines = Files.readAllLines(envFile);
        assertThat(fileLines).hasSize(lines.size() - 1).allMatch(l -> l.matches("[A-Z_0-9]+=.+"));

        String sts = fileLines.stream().filter(l -> l.startsWith("AWS_ENDPOINT_URL_STS=")).findFirst().orElseThrow()
                .substring("AWS_ENDPOINT_URL_STS=".length());
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sts))
                .POST(HttpRequest.BodyPublishers.ofString("Action=GetCallerIdentity&Version=2011-06-15")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.body()).contains("MissingAuthenticationToken");
        assertThat(exit).isNotDone();

        stdinWriter.close();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private static EksPodSimulator startFrom(String... args) {
        SimulatorMain main = new SimulatorMain(new java.io.ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()));
        new picocli.CommandLine(main).parseArgs(args);
        return main.builder().start();
    }

    @Test
    void theBrokenEnvironmentFlagsConfigureTheSimulator() throws Exception {
        try (EksPodSimulator sim = startFrom("--agent-outage", "bad-gateway-502-html", "--target-role-arn",
                "arn:aws:iam::444455556666:role/gateway-prod", "--irsa-role-arn", "arn:aws:iam::111122223333:role/legacy",
                "--token-file-problem", "trailing-crlf", "--sts-clock-offset", "-20m", "--no-region",
                "--sqs-queue", "orders", "--sqs-queue", "payments")) {
            assertThat(sim.agentOutage()).isEqualTo(AgentFailure.BAD_GATEWAY_502_HTML);
            assertThat(sim.podIdentityTargetRoleArn()).isEqualTo("arn:aws:iam::444455556666:role/gateway-prod");
            assertThat(sim.irsaRoleArn()).isEqualTo("arn:aws:iam::111122223333:role/legacy");
            assertThat(sim.podIdentityTokenFileProblem()).isEqualTo(TokenFileProblem.TRAILING_CRLF);
            assertThat(Files.readString(sim.podIdentityTokenFile())).endsWith("\r\n");
            assertThat(sim.environment()).doesNotContainKey("AWS_REGION").containsKeys("AWS_ROLE_ARN",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL_SQS");
            assertThat(sim.sqsVisibleMessages("orders")).isZero();
            assertThat(sim.sqsVisibleMessages("payments")).isZero();
        }
        try (EksPodSimulator sim = startFrom("--agent-failure", "NOT_FOUND_404", "--consistent-after", "1h")) {
            assertThat(sim.agentOutage()).isNull();
            assertThat(sim.environment()).containsEntry("AWS_REGION", "us-east-1");
        }
    }

    @Test
    void rejectsBrokenEnvironmentFlagsThatDoNotFitTheScenario() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SimulatorMain.run(new String[] {"--scenario", "irsa", "--target-role-arn",
                "arn:aws:iam::444455556666:role/gateway-prod"}, new java.io.ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("need --scenario pod-identity or stuck-on-node-role");

        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        int status2 = SimulatorMain.run(new String[] {"--agent-failure", "teapot-418"}, new java.io.ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err2, true, StandardCharsets.UTF_8));
        assertThat(status2).isEqualTo(2);
        assertThat(err2.toString(StandardCharsets.UTF_8)).contains("unknown value 'teapot-418' (one of forbidden-403, "
                + "server-error-500, timeout, not-found-404, bad-gateway-502-html)");
    }

    @Test
    void rejectsAnUnknownScenario() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SimulatorMain.run(new String[] {"--scenario", "nope"}, new java.io.ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown scenario 'nope'");
    }
}
