package io.github.roleprobe.verify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each state change once: INFO when verified or progressing, WARN for a wrong identity, missing
 * injection or misconfiguration. Log lines hold the state, reason, remedy, caller ARN and credential
 * source: never a secret key or session token. Thread-safe.
 */
public final class LoggingListener implements VerificationListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.roleprobe");

    @Override
    public void stateChanged(VerificationSnapshot previous, VerificationSnapshot current) {
        switch (current.state()) {
            case WRONG_IDENTITY, NOT_INJECTED, MISCONFIGURED ->
                    LOG.warn("AWS identity {} Remedy: {}", current, current.remedy());
            case VERIFIED -> LOG.info("AWS identity {}", current);
            default -> LOG.info("AWS identity {} Remedy: {}", current, current.remedy());
        }
    }
}
