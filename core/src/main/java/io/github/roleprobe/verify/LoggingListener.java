package io.github.roleprobe.verify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each state change once, and each change of reason within a state once (reasons are stable from attempt to
 * attempt, so a repeated failure logs nothing more): INFO when verified or progressing, WARN for a wrong identity,
 * missing injection or misconfiguration. Log lines hold the state, reason, remedy, caller ARN and credential
 * source: never a secret key or session token. Thread-safe.
 */
public final class LoggingListener implements VerificationListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.roleprobe");

    @Override
    public void stateChanged(VerificationSnapshot previous, VerificationSnapshot current) {
        log(current);
    }

    @Override
    public void attemptFinished(AttemptReport report) {
        // A new cause within the same state (the token file fixed, and now the agent refuses): say it once.
        if (!report.stateChanged() && !report.previous().reason().equals(report.current().reason())
                && report.current().state() != VerificationState.VERIFIED) {
            log(report.current());
        }
    }

    private static void log(VerificationSnapshot current) {
        switch (current.state()) {
            case WRONG_IDENTITY, NOT_INJECTED, MISCONFIGURED ->
                    LOG.warn("AWS identity {} Remedy: {}", current, current.remedy());
            case VERIFIED -> LOG.info("AWS identity {}", current);
            default -> LOG.info("AWS identity {} Remedy: {}", current, current.remedy());
        }
    }
}
