package io.github.roleprobe.sidecar;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code role-probe}: the sidecar's command line, for pods in any language. Three commands, each running core's
 * identity verifier on the pod's SDK default credential provider chain:
 * <ul>
 *   <li>{@code serve} ({@link ServeCommand}): probes, details and metrics over HTTP until SIGTERM;</li>
 *   <li>{@code wait} ({@link WaitCommand}): exits 0 once verified, else at the timeout with the state's code;</li>
 *   <li>{@code check} ({@link CheckCommand}): one attempt, the result as JSON, the state's code.</li>
 * </ul>
 * Settings come from flags and from the starters' environment variables ({@link Setting}); bad flags or values exit
 * with {@value ExitCodes#USAGE} and a message naming the setting, the value and an example. Exit codes:
 * {@link ExitCodes}.
 */
@Command(name = "role-probe", mixinStandardHelpOptions = true, version = "role-probe sidecar 0.1.0-SNAPSHOT",
        description = "Holds a pod's startup and readiness until STS confirms its AWS identity (role-probe sidecar).",
        footer = {"", ExitCodes.HELP})
public final class RoleProbeSidecar implements Runnable {

    private final CommandLine.Model.CommandSpec[] spec = new CommandLine.Model.CommandSpec[1];

    private RoleProbeSidecar() {
    }

    /**
     * Entry point: runs the command with the process environment and exits with its code ({@code serve} returns only
     * on failure: it runs until SIGTERM).
     *
     * @param args the command line, see {@code role-probe --help}
     */
    public static void main(String[] args) {
        // UTF-8 whatever the locale (JSON is UTF-8, RFC 8259; a masked key id has an ellipsis): under LANG=C the JDK
        // writes the platform's ASCII and turns it into '?'. Set before the first log line (slf4j-simple writes to
        // System.err).
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * Runs a command in this JVM.
     *
     * @param args the command line
     * @param environment where the settings' environment variables are read (the AWS SDK and the verifier read the
     *     process environment itself)
     * @param out receives results
     * @param err receives usage errors
     * @return the exit code ({@link ExitCodes})
     */
    public static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        RoleProbeSidecar top = new RoleProbeSidecar();
        CommandLine cl = new CommandLine(top);
        top.spec[0] = cl.getCommandSpec();
        cl.addSubcommand(sub(new ServeCommand(out, err), environment));
        cl.addSubcommand(sub(new WaitCommand(out, err), environment));
        cl.addSubcommand(sub(new CheckCommand(out, err), environment));
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("role-probe: unexpected failure: " + e);
            return ExitCodes.FAILURE;
        });
        return cl.execute(args);
    }

    private static CommandLine sub(SidecarCommand command, Map<String, String> environment) {
        CommandLine cl = new CommandLine(command);
        command.settings(SidecarSettings.addTo(cl.getCommandSpec(), environment));
        return cl;
    }

    /** Without a command: prints the usage and fails as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec[0].commandLine(), "Missing command: serve, wait or check");
    }
}
