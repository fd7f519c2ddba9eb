package io.github.roleprobe.sidecar;

import io.github.roleprobe.config.InvalidSettingException;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.verify.IdentityVerifier;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** What the three commands share: the settings, the output streams, and the usage error for a bad setting. */
abstract class SidecarCommand implements Callable<Integer> {

    /** Results. */
    final PrintStream out;
    /** Usage errors. */
    final PrintStream err;
    private SidecarSettings settings;

    SidecarCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    final void settings(SidecarSettings s) {
        settings = s;
    }

    /**
     * Builds the verifier from the settings.
     *
     * @param create builds it from the validated configuration
     * @return the verifier, or {@code null} after printing core's message for a bad setting (exit {@value ExitCodes#USAGE})
     */
    final IdentityVerifier verifier(java.util.function.Function<RoleProbeConfig, IdentityVerifier> create) {
        try {
            return create.apply(settings.toConfig());
        } catch (InvalidSettingException e) {
            err.println("role-probe: " + e.getMessage());
            return null;
        }
    }

    /**
     * Closes the verifier on a daemon thread and returns at once, for {@code wait} and {@code check} once their
     * result is printed: {@link IdentityVerifier#close()} waits up to 5 s for an attempt still running (one whose STS
     * request outlasts {@code --timeout}), and the command's exit must not wait for it. The process exits right after
     * ({@link RoleProbeSidecar#main}), which ends that attempt; STS has then counted at most the request it was sent.
     *
     * @param verifier the verifier to close; its snapshot stays readable
     */
    static void closeWithoutWaiting(IdentityVerifier verifier) {
        Thread closer = new Thread(verifier::close, "role-probe-close");
        closer.setDaemon(true);
        closer.start();
    }

    /** Reads {@code --timeout}: a duration as the settings take them. */
    static final class TimeoutConverter implements CommandLine.ITypeConverter<Duration> {

        /** The longest {@code --timeout}: whole days that fit in a {@code long} of nanoseconds. */
        static final Duration MAX_TIMEOUT = Duration.ofDays(Duration.ofNanos(Long.MAX_VALUE).toDays());

        @Override
        public Duration convert(String value) {
            Duration d;
            try {
                d = Durations.parse("--timeout", value, "120s");
            } catch (InvalidSettingException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: a whole number and a"
                        + " unit (ns, ms, s, m, h or d), such as 120s or 5m, or ISO-8601, such as PT2M. Example:"
                        + " --timeout=120s");
            }
            if (d.isNegative() || d.isZero()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a positive duration. Example:"
                        + " --timeout=120s");
            }
            if (d.compareTo(MAX_TIMEOUT) > 0) {
                // the commands wait in nanoseconds (Duration.toNanos), which overflows past about 292 years
                throw new CommandLine.TypeConversionException("'" + value + "' is too long: at most "
                        + MAX_TIMEOUT.toDays() + "d. Example: --timeout=120s");
            }
            return d;
        }
    }
}
