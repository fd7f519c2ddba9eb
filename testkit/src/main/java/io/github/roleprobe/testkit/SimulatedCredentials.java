package io.github.roleprobe.testkit;

import java.time.Instant;
import java.util.Objects;

/**
 * Temporary credentials minted by an {@link EksPodSimulator} for a role session, as
 * {@link EksPodSimulator#issueCredentials(String, String)} returns them. The simulator's STS knows them:
 * {@code GetCallerIdentity} signed with them answers {@link #callerArn()} until {@link #expiration()}.
 *
 * <p>For code that models a credential source itself (for example a credentials provider driven by a
 * simulated clock) but still wants its STS calls checked and counted by the simulator. Immutable;
 * {@link #toString()} shows no secret.
 *
 * @param accessKeyId     {@code ASIA...} access key id
 * @param secretAccessKey 40-character secret access key
 * @param sessionToken    session token
 * @param expiration      when the simulator's STS stops accepting them (by the wall clock)
 * @param callerArn       the caller ARN STS reports, {@code arn:aws:sts::<acct>:assumed-role/<name>/<session>}
 */
public record SimulatedCredentials(String accessKeyId, String secretAccessKey, String sessionToken,
                                   Instant expiration, String callerArn) {

    /** Requires every component. */
    public SimulatedCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
        Objects.requireNonNull(expiration, "expiration");
        Objects.requireNonNull(callerArn, "callerArn");
    }

    /** Keeps secrets out of logs and assertion messages. */
    @Override
    public String toString() {
        return "SimulatedCredentials[accessKeyId=" + accessKeyId + ", callerArn=" + callerArn
                + ", expiration=" + expiration + "]";
    }
}
