package io.github.roleprobe.arn;

import io.github.roleprobe.config.InvalidSettingException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An expected IAM role, parsed from {@code arn:<partition>:iam::<account>:role/<optional/path/>name}.
 *
 * <p>Supported partitions are {@code aws}, {@code aws-cn} and {@code aws-us-gov}. The role path is kept
 * for display only: STS {@code GetCallerIdentity} answers with an assumed-role ARN
 * ({@code arn:aws:sts::111122223333:assumed-role/orders/SESSION}) that no longer carries the path, so
 * {@link #matches(AssumedRoleArn)} compares partition, account and role name. Role names compare
 * ignoring case, because IAM role names are unique case-insensitively (IAM User Guide, "IAM object
 * names and IDs").
 *
 * <p>Immutable and thread-safe.
 */
public final class IamRoleArn {

    /** A correct example, used in error messages. */
    public static final String EXAMPLE = "arn:aws:iam::111122223333:role/orders";

    private static final Pattern ROLE_ARN = Pattern.compile(
            "arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):role/((?:[\\w+=,.@-]+/)*)([\\w+=,.@-]{1,64})");

    private final String partition;
    private final String accountId;
    private final String path;
    private final String roleName;

    private IamRoleArn(String partition, String accountId, String path, String roleName) {
        this.partition = partition;
        this.accountId = accountId;
        this.path = path;
        this.roleName = roleName;
    }

    /**
     * Parses an IAM role ARN given by the setting named {@code setting}.
     *
     * @param setting the setting the value came from, named in the error (for example
     *     {@code role-probe.role-arns})
     * @param value the ARN text; surrounding whitespace is ignored
     * @return the parsed role
     * @throws InvalidSettingException when the value is missing or is not an IAM role ARN of a supported
     *     partition; the message names the setting, the value and {@link #EXAMPLE}
     */
    public static IamRoleArn parse(String setting, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidSettingException(setting, value, "An IAM role ARN is required.", EXAMPLE);
        }
        Matcher m = ROLE_ARN.matcher(value.strip());
        if (!m.matches()) {
            String problem = value.contains(":assumed-role/")
                    ? "This is an assumed-role (STS session) ARN; give the IAM role ARN instead."
                    : "Expected arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account>:role/<optional/path/>name.";
            throw new InvalidSettingException(setting, value, problem, EXAMPLE);
        }
        return new IamRoleArn(m.group(1), m.group(2), "/" + m.group(3), m.group(4));
    }

    /**
     * Tells whether a caller identity returned by STS {@code GetCallerIdentity} is a session of this
     * role: same partition, same account, role name equal ignoring case.
     *
     * @param caller the caller's assumed-role ARN; not {@code null}
     * @return {@code true} when the caller is a session of this role
     */
    public boolean matches(AssumedRoleArn caller) {
        return partition.equals(caller.partition())
                && accountId.equals(caller.accountId())
                && roleName.toLowerCase(Locale.ROOT).equals(caller.roleName().toLowerCase(Locale.ROOT));
    }

    /**
     * Tells whether {@code other} names the same role as STS would see it: same partition, account and role name
     * ignoring case, whatever the paths (STS does not show the path).
     *
     * @param other another role ARN; not {@code null}
     * @return {@code true} when both are the same role for {@link #matches(AssumedRoleArn)}
     */
    public boolean sameRole(IamRoleArn other) {
        return partition.equals(other.partition) && accountId.equals(other.accountId)
                && roleName.equalsIgnoreCase(other.roleName);
    }

    /** @return the partition: {@code aws}, {@code aws-cn} or {@code aws-us-gov} */
    public String partition() {
        return partition;
    }

    /** @return the 12-digit account id */
    public String accountId() {
        return accountId;
    }

    /** @return the role path, {@code /} when the role has none, else for example {@code /team/app/} */
    public String path() {
        return path;
    }

    /** @return the role name (the last path segment), as configured */
    public String roleName() {
        return roleName;
    }

    /** @return the full role ARN */
    @Override
    public String toString() {
        return "arn:" + partition + ":iam::" + accountId + ":role" + path + roleName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IamRoleArn other
                && partition.equals(other.partition)
                && accountId.equals(other.accountId)
                && path.equals(other.path)
                && roleName.equalsIgnoreCase(other.roleName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(partition, accountId, path, roleName.toLowerCase(Locale.ROOT));
    }
}
