package io.github.roleprobe.sidecar;

import io.github.roleprobe.verify.VerificationState;

/**
 * The exit codes of {@code role-probe wait} and {@code role-probe check} (README, "Sidecar for any pod"). Stable:
 * scripts and init containers depend on them.
 */
final class ExitCodes {

    /** Verified. */
    static final int VERIFIED = 0;
    /** An unexpected failure of the sidecar itself. */
    static final int FAILURE = 1;
    /** Bad flags or environment values: nothing was verified. */
    static final int USAGE = 2;
    /** No attempt finished in time ({@code PENDING}). */
    static final int PENDING = 10;
    /** {@code WRONG_IDENTITY}: STS confirmed another identity (the node role, or another role). */
    static final int WRONG_IDENTITY = 11;
    /** {@code NO_CREDENTIALS}. */
    static final int NO_CREDENTIALS = 12;
    /** {@code NOT_INJECTED}: only a new pod heals. */
    static final int NOT_INJECTED = 13;
    /** {@code STS_UNAVAILABLE}. */
    static final int STS_UNAVAILABLE = 14;
    /** {@code MISCONFIGURED}. */
    static final int MISCONFIGURED = 15;

    /** The list for {@code --help} (the top-level command, {@code wait} and {@code check}). */
    static final String HELP = "Exit codes of wait and check: 0 VERIFIED, 2 bad flags or environment values, 10 PENDING,"
            + " 11 WRONG_IDENTITY, 12 NO_CREDENTIALS, 13 NOT_INJECTED, 14 STS_UNAVAILABLE, 15 MISCONFIGURED,"
            + " 1 unexpected failure.";

    private ExitCodes() {
    }

    /**
     * @param state the verifier's state when the command ends
     * @return its exit code
     */
    static int of(VerificationState state) {
        return switch (state) {
            case VERIFIED -> VERIFIED;
            case PENDING -> PENDING;
            case WRONG_IDENTITY -> WRONG_IDENTITY;
            case NO_CREDENTIALS -> NO_CREDENTIALS;
            case NOT_INJECTED -> NOT_INJECTED;
            case STS_UNAVAILABLE -> STS_UNAVAILABLE;
            case MISCONFIGURED -> MISCONFIGURED;
        };
    }
}
