package io.github.roleprobe.verify;

/** Refines {@link VerificationState#WRONG_IDENTITY}. */
public enum WrongIdentityKind {
    /**
     * The node role: the credentials came from the EC2 instance profile (IMDS), or the role session name
     * is an EC2 instance id.
     */
    NODE_ROLE,
    /** Any other identity: another role, an IAM user, another account. */
    OTHER
}
