package io.github.roleprobe.sidecar;

import io.github.roleprobe.verify.AttemptReport;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationListener;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code role-probe wait}: runs the verifier until the first {@code VERIFIED} (exit 0) or until {@code --timeout}
 * (exit with the code of the state then, {@link ExitCodes}), and prints the outcome: the caller ARN, or the state,
 * reason and remedy. For a classic init container, before Kubernetes 1.29's native sidecars. It exits at the timeout
 * without waiting for an attempt still running then. SIGTERM while waiting prints the state reached and closes the
 * verifier; the JVM exits with 143 at once.
 */
@Command(name = "wait", mixinStandardHelpOptions = true,
        footer = {"", ExitCodes.HELP},
        description = "Exit 0 once the identity is verified; after --timeout exit with the state's code.")
final class WaitCommand extends SidecarCommand {

    @Option(names = "--timeout", defaultValue = "120s", converter = TimeoutConverter.class,
            description = "How long to wait for VERIFIED, e.g. 120s, 5m, PT2M (default ${DEFAULT-VALUE}).")
    Duration timeout;

    WaitCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch verified = new CountDownLatch(1);
        IdentityVerifier verifier = verifier(config -> SidecarVerifier.create(config, new VerificationListener() {
            @Override
            public void attemptFinished(AttemptReport report) {
                if (report.current().state() == VerificationState.VERIFIED) {
                    verified.countDown();
                }
            }
        }));
        if (verifier == null) {
            return ExitCodes.USAGE;
        }
        Thread hook = new Thread(() -> {
            out.println("role-probe wait: stopped before verification, " + outcome(verifier.snapshot()));
            out.flush();
            closeWithoutWaiting(verifier);
        }, "role-probe-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        verifier.start();
        boolean done = verified.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        VerificationSnapshot s = verifier.snapshot();
        Runtime.getRuntime().removeShutdownHook(hook);
        int code;
        if (done || s.ready()) {
            out.println("role-probe wait: VERIFIED as " + s.callerArn().orElse("?")
                    + s.credentialSource().map(c -> " (credentials from " + c + ")").orElse(""));
            code = ExitCodes.VERIFIED;
        } else {
            out.println("role-probe wait: not verified within " + timeout.toMillis() + " ms, " + outcome(s));
            code = ExitCodes.of(s.state());
        }
        out.flush();
        closeWithoutWaiting(verifier);
        return code;
    }

    private static String outcome(VerificationSnapshot s) {
        return s.state() + s.wrongIdentityKind().map(k -> "/" + k).orElse("") + ": " + s.reason()
                + System.lineSeparator() + "Remedy: " + s.remedy();
    }
}
