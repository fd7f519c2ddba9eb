package io.github.roleprobe.sidecar;

import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationSnapshot;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code role-probe check}: one verification attempt; prints its snapshot's details as one JSON object on standard
 * output (state, reason, remedy, caller ARN, credential source, masked access key id, ...; never a secret) and exits
 * with the state's code ({@link ExitCodes}). An attempt still running at {@code --timeout} leaves the state
 * {@code PENDING}, and the command exits then without waiting for that attempt's STS request.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        footer = {"", ExitCodes.HELP},
        description = "One verification attempt: print the result as JSON and exit with the state's code.")
final class CheckCommand extends SidecarCommand {

    @Option(names = "--timeout", defaultValue = "30s", converter = TimeoutConverter.class,
            description = "The longest the attempt may take (default ${DEFAULT-VALUE}).")
    Duration timeout;

    CheckCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws InterruptedException, ExecutionException {
        IdentityVerifier verifier = verifier(config -> SidecarVerifier.create(config, null));
        if (verifier == null) {
            return ExitCodes.USAGE;
        }
        VerificationSnapshot s;
        try {
            s = verifier.verifyNow().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            s = verifier.snapshot();
        }
        out.println(new String(DetailsJson.write(null, s.details()), StandardCharsets.UTF_8));
        out.flush();
        closeWithoutWaiting(verifier);
        return ExitCodes.of(s.state());
    }
}
