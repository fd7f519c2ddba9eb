package io.github.roleprobe.testkit.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses IAM role ARNs and derives the STS assumed-role ARNs that callers of a role see. Stateless. */
public final class Arns {

    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):role/((?:[^/]+/)*)([\\w+=,.@-]{1,64})");

    private Arns() {
    }

    /**
     * Checks that {@code roleArn} is an IAM role ARN such as
     * {@code arn:aws:iam::111122223333:role/team/app/orders}.
     *
     * @param roleArn the ARN to check
     * @return the same ARN
     * @throws IllegalArgumentException if it is null or not an IAM role ARN
     */
    public static String requireRoleArn(String roleArn) {
        match(roleArn);
        return roleArn;
    }

    /**
     * @param roleArn an IAM role ARN
     * @return the role's name, without its path ({@code orders} for {@code role/team/app/orders})
     * @throws IllegalArgumentException if it is not an IAM role ARN
     */
    public static String roleName(String roleArn) {
        return match(roleArn).group(4);
    }

    /**
     * @param roleArn an IAM role ARN
     * @return its 12-digit account id
     * @throws IllegalArgumentException if it is not an IAM role ARN
     */
    public static String accountId(String roleArn) {
        return match(roleArn).group(2);
    }

    /**
     * @param roleArn an IAM role ARN
     * @return the caller ARN prefix of a session of that role,
     *     {@code arn:<partition>:sts::<account>:assumed-role/<name>/} (the role path is dropped)
     * @throws IllegalArgumentException if it is not an IAM role ARN
     */
    public static String assumedRoleArnPrefix(String roleArn) {
        Matcher m = match(roleArn);
        return "arn:" + m.group(1) + ":sts::" + m.group(2) + ":assumed-role/" + m.group(4) + "/";
    }

    private static Matcher match(String roleArn) {
        if (roleArn == null) {
            throw new IllegalArgumentException("role ARN must not be null");
        }
        Matcher m = ROLE_ARN.matcher(roleArn);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an IAM role ARN: " + roleArn);
        }
        return m;
    }
}
