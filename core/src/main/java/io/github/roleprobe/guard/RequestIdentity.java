package io.github.roleprobe.guard;

import java.util.Locale;

/**
 * What the request guard knows about the identity that signed an application request. A small fixed set, safe
 * as a metric tag ({@link #tagValue()}).
 */
public enum RequestIdentity {
    /** STS confirmed that the signing access key belongs to an expected role. */
    EXPECTED,
    /** STS confirmed that the signing access key belongs to a role of {@code role-probe.guard.allowed-role-arns}. */
    ALLOWED,
    /**
     * The node role: the credentials came from the EC2 instance profile (IMDS) while EKS Pod Identity or IRSA
     * environment is present (known without an STS call), or STS named a session of an EC2 instance.
     */
    NODE_ROLE,
    /** STS confirmed another identity: another role, an IAM user, another account. */
    OTHER,
    /** Not identified (yet): identification is pending, failed, or the guard's STS budget is spent. */
    UNIDENTIFIED;

    /** @return {@code true} for {@link #NODE_ROLE} and {@link #OTHER}: a wrong identity */
    public boolean wrong() {
        return this == NODE_ROLE || this == OTHER;
    }

    /** @return {@code true} for {@link #EXPECTED} and {@link #ALLOWED}: a request that may leave in enforce mode */
    public boolean permitted() {
        return this == EXPECTED || this == ALLOWED;
    }

    /** @return the lower-case name, for metric tags and health details */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
