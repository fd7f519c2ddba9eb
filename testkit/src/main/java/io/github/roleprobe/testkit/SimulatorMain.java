package io.github.roleprobe.testkit;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command line: runs an {@link EksPodSimulator} until standard input reaches end-of-file or the
 * process is killed. Prints {@code export KEY='VALUE'} lines for the child environment, then the
 * line {@value #READY_LINE}. Never prints secrets.
 *
 * <pre>
 * java -cp ... io.github.roleprobe.testkit.SimulatorMain --scenario pod-identity --consistent-after 5s --env-file sim.env
 * java -cp ... io.github.roleprobe.testkit.SimulatorMain --agent-outage bad-gateway-502-html --target-role-arn \
 *     arn:aws:iam::444455556666:role/gateway-prod --sts-clock-offset 20m --no-region --sqs-queue orders
 * </pre>
 */
@Command(name = "role-probe-simulator", mixinStandardHelpOptions = true,
        description = "Runs a simulated EKS pod world (Pod Identity agent, IMDS, IRSA, STS) on 127.0.0.1 until stdin closes.")
public final class SimulatorMain implements Callable<Integer> {

    /** The line printed once the simulator is up and the environment was printed. */
    public static final String READY_LINE = "role-probe simulator ready";

    /** The scenarios the command line offers. */
    public enum Scenario {
        /** Pod Identity env and agent (consistent after {@code --consistent-after}), IMDS with the node role. */
        POD_IDENTITY("pod-identity"),
        /** In Kubernetes but no Pod Identity or IRSA env: only IMDS with the node role. */
        NOT_INJECTED("not-injected"),
        /** Same world as {@code pod-identity}; the name tells the caller what to expect. */
        STUCK_ON_NODE_ROLE("stuck-on-node-role"),
        /** IRSA env and token file, STS AssumeRoleWithWebIdentity, IMDS with the node role. */
        IRSA("irsa");

        private final String cliName;

        Scenario(String cliName) {
            this.cliName = cliName;
        }

        /** @return the command-line spelling */
        @Override
        public String toString() {
            return cliName;
        }

        static Scenario parse(String text) {
            for (Scenario s : values()) {
                if (s.cliName.equalsIgnoreCase(text) || s.name().equalsIgnoreCase(text)) {
                    return s;
                }
            }
            throw new CommandLine.TypeConversionException("unknown scenario '" + text
                    + "' (one of pod-identity, not-injected, stuck-on-node-role, irsa)");
        }
    }

    @Option(names = "--scenario", defaultValue = "pod-identity", converter = ScenarioConverter.class,
            description = "pod-identity (default), not-injected, stuck-on-node-role or irsa")
    Scenario scenario;

    @Option(names = "--role-arn", defaultValue = "arn:aws:iam::111122223333:role/orders",
            description = "Pod Identity target role or IRSA role (default ${DEFAULT-VALUE})")
    String roleArn;

    @Option(names = "--consistent-after", defaultValue = "0s", converter = DurationConverter.class,
            description = "Pod Identity association becomes effective after this long, e.g. 5s, 500ms, PT1M (default 0s)")
    Duration consistentAfter;

    @Option(names = "--consistent-after-requests", defaultValue = "0",
            description = "The first N Pod Identity agent requests fail as well, whatever the time (default 0);"
                    + " with --consistent-after, both must have passed")
    int consistentAfterRequests;

    @Option(names = "--env-file", description = "Also write KEY=VALUE lines to this file")
    Path envFile;

    @Option(names = "--region", defaultValue = "us-east-1", description = "AWS region (default ${DEFAULT-VALUE})")
    String region;

    @Option(names = "--no-region", description = "Leave AWS_REGION and AWS_STS_REGIONAL_ENDPOINTS out of the environment;"
            + " SDKs then ask IMDS for the region")
    boolean noRegion;

    @Option(names = "--agent-failure", defaultValue = "forbidden-403", converter = AgentFailureConverter.class,
            description = "How the Pod Identity agent fails until the association is effective: forbidden-403 (default),"
                    + " server-error-500, timeout, not-found-404, bad-gateway-502-html")
    AgentFailure agentFailure;

    @Option(names = "--agent-outage", converter = AgentFailureConverter.class,
            description = "The Pod Identity agent fails every request this way for as long as the simulator runs"
                    + " (same values as --agent-failure)")
    AgentFailure agentOutage;

    @Option(names = "--target-role-arn", description = "Pod Identity association target role: the pod gets credentials"
            + " of this role (possibly in another account)")
    String targetRoleArn;

    @Option(names = "--irsa-role-arn", description = "Also inject IRSA with this role (with --scenario pod-identity or"
            + " stuck-on-node-role: both IRSA and Pod Identity; SDK default chains take IRSA first)")
    String irsaRoleArn;

    @Option(names = "--token-file-problem", converter = TokenFileProblemConverter.class,
            description = "Break the Pod Identity token file: missing, unreadable (not effective for root), directory,"
                    + " trailing-crlf")
    TokenFileProblem tokenFileProblem;

    @Option(names = "--sts-clock-offset", defaultValue = "0s", converter = SignedDurationConverter.class,
            description = "STS's clock runs this far ahead of the real one (negative: behind), e.g. 20m, -20m;"
                    + " beyond 15 minutes STS rejects requests as Signature expired (default 0s)")
    Duration stsClockOffset;

    @Option(names = "--sqs-queue", description = "Create this SQS queue at start (repeatable)")
    java.util.List<String> sqsQueues = new java.util.ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final InputStream stdin;
    private final PrintStream stdout;

    /**
     * @param stdin  read until end-of-file, then the simulator stops
     * @param stdout where the environment and the ready line go
     */
    public SimulatorMain(InputStream stdin, PrintStream stdout) {
        this.stdin = stdin;
        this.stdout = stdout;
    }

    /**
     * Entry point; exits with the command's status.
     *
     * @param args command-line arguments, see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * Runs the command in this JVM (used by tests and by {@link #main(String[])}).
     *
     * @param args   command-line arguments
     * @param stdin  the simulator stops when this reaches end-of-file
     * @param stdout receives the environment and the ready line
     * @param stderr receives usage errors
     * @return the exit status: 0 after a normal stop, 2 on usage errors, 1 on failures
     */
    public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        CommandLine cl = new CommandLine(new SimulatorMain(stdin, stdout));
        cl.setOut(new PrintWriter(stdout, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(stderr, true, StandardCharsets.UTF_8));
        return cl.execute(args);
    }

    /**
     * Starts the simulator, prints the environment, waits for end-of-file on stdin, then stops it.
     *
     * @return 0
     * @throws IOException if the env file cannot be written
     */
    @Override
    public Integer call() throws IOException {
        EksPodSimulator simulator = builder().start();
        Thread hook = new Thread(simulator::close, "role-probe-simulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Map<String, String> env = simulator.environment();
            if (envFile != null) {
                StringBuilder lines = new StringBuilder();
                env.forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
                Files.writeString(envFile, lines, StandardCharsets.UTF_8);
            }
            env.forEach((k, v) -> stdout.println("export " + k + "='" + v.replace("'", "'\\''") + "'"));
            stdout.println(READY_LINE);
            stdout.flush();
            drain(stdin);
            return 0;
        } finally {
            simulator.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    EksPodSimulator.Builder builder() {
        EksPodSimulator.Builder b = EksPodSimulator.builder().region(region).imds(ImdsMode.NODE_ROLE)
                .stsClockOffset(stsClockOffset);
        boolean podIdentity = scenario == Scenario.POD_IDENTITY || scenario == Scenario.STUCK_ON_NODE_ROLE;
        if (!podIdentity && (targetRoleArn != null || agentOutage != null || tokenFileProblem != null
                || irsaRoleArn != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--target-role-arn, --agent-outage, "
                    + "--token-file-problem and --irsa-role-arn need --scenario pod-identity or stuck-on-node-role");
        }
        try {
            switch (scenario) {
                case POD_IDENTITY, STUCK_ON_NODE_ROLE -> {
                    b.podIdentity(roleArn).associationConsistentAfter(consistentAfter)
                            .associationConsistentAfterRequests(consistentAfterRequests).agentFailure(agentFailure);
                    if (targetRoleArn != null) {
                        b.podIdentityTargetRole(targetRoleArn);
                    }
                    if (agentOutage != null) {
                        b.agentOutage(agentOutage);
                    }
                    if (tokenFileProblem != null) {
                        b.podIdentityTokenFileProblem(tokenFileProblem);
                    }
                    if (irsaRoleArn != null) {
                        b.irsa(irsaRoleArn);
                    }
                }
                case IRSA -> b.irsa(roleArn);
                case NOT_INJECTED -> b.inKubernetes(true);
                default -> throw new IllegalStateException("unknown scenario " + scenario);
            }
            for (String queue : sqsQueues) {
                b.sqsQueue(queue);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e, null, null);
        }
        if (noRegion) {
            b.noRegion();
        }
        return b;
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // discard: only end-of-file matters
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses {@code --scenario}. */
    static final class ScenarioConverter implements CommandLine.ITypeConverter<Scenario> {
        @Override
        public Scenario convert(String value) {
            return Scenario.parse(value);
        }
    }

    /** Parses {@link AgentFailure} names as {@code not-found-404} or {@code NOT_FOUND_404}. */
    static final class AgentFailureConverter implements CommandLine.ITypeConverter<AgentFailure> {
        @Override
        public AgentFailure convert(String value) {
            return parseEnum(AgentFailure.class, value);
        }
    }

    /** Parses {@link TokenFileProblem} names as {@code trailing-crlf} or {@code TRAILING_CRLF}. */
    static final class TokenFileProblemConverter implements CommandLine.ITypeConverter<TokenFileProblem> {
        @Override
        public TokenFileProblem convert(String value) {
            return parseEnum(TokenFileProblem.class, value);
        }
    }

    static <E extends Enum<E>> E parseEnum(Class<E> type, String value) {
        String name = value.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        StringBuilder names = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            names.append(names.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new CommandLine.TypeConversionException("unknown value '" + value + "' (one of " + names + ")");
    }

    /** Parses a {@link DurationConverter} duration with an optional leading {@code -} or {@code +}. */
    static final class SignedDurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim();
            if (v.startsWith("-")) {
                return new DurationConverter().convert(v.substring(1)).negated();
            }
            return new DurationConverter().convert(v.startsWith("+") ? v.substring(1) : v);
        }
    }

    /** Parses {@code 5s}, {@code 500ms}, {@code 2m}, {@code 1h} or ISO-8601 such as {@code PT5S}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

        @Override
        public Duration convert(String value) {
            Matcher m = SIMPLE.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (e.g. 5s, 500ms, PT5S)");
            }
        }
    }
}
