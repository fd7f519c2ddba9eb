package io.github.roleprobe.testkit.internal;

import java.time.Instant;

/**
 * One set of temporary credentials handed out by the simulator, with the role session they
 * stand for. Immutable.
 *
 * @param accessKeyId     {@code ASIA...} access key id
 * @param secretAccessKey 40-character secret
 * @param sessionToken    session token
 * @param expiration      when STS stops accepting them
 * @param roleArn         the IAM role ARN that was assumed
 * @param roleId          the role's unique id ({@code AROA...})
 * @param sessionName     the role session name
 */
public record IssuedCredentials(String accessKeyId, String secretAccessKey, String sessionToken,
                                Instant expiration, String roleArn, String roleId, String sessionName) {

    /** @return the caller ARN STS reports, {@code arn:aws:sts::<acct>:assumed-role/<name>/<session>} */
    public String callerArn() {
        return Arns.assumedRoleArnPrefix(roleArn) + sessionName;
    }

    /** @return the {@code UserId} STS reports, {@code <roleId>:<session>} */
    public String userId() {
        return roleId + ":" + sessionName;
    }

    /** @return the account id the role belongs to */
    public String accountId() {
        return Arns.accountId(roleArn);
    }

    /** Keeps secrets out of logs and assertion messages. */
    @Override
    public String toString() {
        return "IssuedCredentials[accessKeyId=" + accessKeyId + ", callerArn=" + callerArn()
                + ", expiration=" + expiration + "]";
    }
}
