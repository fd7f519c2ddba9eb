package io.github.roleprobe.arn;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A caller identity ARN as returned by STS {@code GetCallerIdentity} for role sessions:
 * {@code arn:<partition>:sts::<account>:assumed-role/<role name>/<role session name>}.
 *
 * <p>The role path of the IAM role is not part of this ARN (STS API Reference, "GetCallerIdentity").
 * The role session name tells where the session came from: EKS Pod Identity uses
 * {@code eks-<cluster>-<pod>-<uuid>}, IRSA {@code aws-sdk-java-<millis>} by default, and the EC2
 * instance profile (the node role) the instance id, {@code i-0123456789abcdef0}.
 *
 * <p>Immutable and thread-safe.
 */
public final class AssumedRoleArn {

    private static final Pattern ASSUMED_ROLE = Pattern.compile(
            "arn:(aws|aws-cn|aws-us-gov):sts::(\\d{12}):assumed-role/([\\w+=,.@-]{1,64})/([\\w+=,.@-]{2,64})");
    private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8}(?:[0-9a-f]{9})?");

    private final String arn;
    private final String partition;
    private final String accountId;
    private final String roleName;
    private final String sessionName;

    private AssumedRoleArn(String arn, String partition, String accountId, String roleName, String sessionName) {
        this.arn = arn;
        this.partition = partition;
        this.accountId = accountId;
        this.roleName = roleName;
        this.sessionName = sessionName;
    }

    /**
     * Parses a caller ARN.
     *
     * @param arn the {@code Arn} field of a {@code GetCallerIdentity} answer, may be {@code null}
     * @return the parsed assumed-role ARN, or empty when the caller is not a role session (an IAM user,
     *     the root user, a federated user) or the text is not an ARN
     */
    public static Optional<AssumedRoleArn> parse(String arn) {
        if (arn == null) {
            return Optional.empty();
        }
        Matcher m = ASSUMED_ROLE.matcher(arn);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new AssumedRoleArn(arn, m.group(1), m.group(2), m.group(3), m.group(4)));
    }

    /** @return the partition: {@code aws}, {@code aws-cn} or {@code aws-us-gov} */
    public String partition() {
        return partition;
    }

    /** @return the 12-digit account id */
    public String accountId() {
        return accountId;
    }

    /** @return the role name, without path */
    public String roleName() {
        return roleName;
    }

    /**
     * Returns the ARN of the IAM role this session belongs to, as far as the assumed-role ARN tells it: an
     * assumed-role ARN carries no role path, so the result has none ({@code arn:aws:iam::111122223333:role/orders}
     * for a role created as {@code /teams/orders}).
     *
     * @return the role's ARN without path, for example {@code arn:aws:iam::111122223333:role/orders}
     */
    public String roleArnWithoutPath() {
        return "arn:" + partition + ":iam::" + accountId + ":role/" + roleName;
    }

    /** @return the role session name */
    public String sessionName() {
        return sessionName;
    }

    /**
     * Tells whether the role session name is an EC2 instance id, which is how the instance profile
     * (the node role, served by IMDS) names its sessions.
     *
     * @return {@code true} for session names such as {@code i-0123456789abcdef0}
     */
    public boolean sessionNameIsInstanceId() {
        return INSTANCE_ID.matcher(sessionName).matches();
    }

    /** @return the full ARN as STS returned it */
    @Override
    public String toString() {
        return arn;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AssumedRoleArn other && arn.equals(other.arn);
    }

    @Override
    public int hashCode() {
        return arn.hashCode();
    }
}
