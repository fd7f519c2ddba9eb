package io.github.roleprobe.verify;

import io.github.roleprobe.config.RoleProbeConfig;

/** One-line remedy texts, one per state, so that probes, logs and docs say the same thing. */
final class Remedies {

    static final String VERIFIED = "None needed.";
    static final String PENDING = "Wait: the first verification attempt is running.";
    static final String NODE_ROLE = "The SDK fell through to IMDS because the EKS Pod Identity association or IRSA was not"
            + " effective yet. role-probe retries, and this clears once the association works; an application's own"
            + " credential provider that already resolved the node role keeps it until the container restarts"
            + " (liveness does that after the grace period). Set AWS_EC2_METADATA_DISABLED=true (also where an IMDS hop"
            + " limit of 1 blocks pods) so the pod waits instead.";
    static final String OTHER_IDENTITY = "Point the EKS Pod Identity association (or the service account's"
            + " eks.amazonaws.com/role-arn) at the expected role, or correct " + RoleProbeConfig.ROLE_ARNS + " (for an"
            + " association with a target role, the pod runs as the target role: expect that one).";
    static final String NO_CREDENTIALS = "Check that the EKS Pod Identity agent (or the IRSA token file) is reachable"
            + " and the association exists; role-probe keeps retrying with backoff.";
    static final String NOT_INJECTED = "Recreate the pod (kubectl rollout restart or delete the pod) after the EKS Pod"
            + " Identity association or IRSA annotation exists: a container restart keeps the same environment.";
    static final String STS_UNAVAILABLE = "Check network access to the regional STS endpoint; role-probe retries with"
            + " backoff.";
    static final String NO_ROLE = "Set " + RoleProbeConfig.ROLE_ARNS + "=arn:aws:iam::111122223333:role/orders (the"
            + " environment variable ROLE_PROBE_ROLE_ARNS; or use IRSA, whose AWS_ROLE_ARN is then expected).";
    static final String MISCONFIGURED = "Correct the configuration named in the reason.";
    static final String CLOCK_SKEW = "Synchronise the node's clock with AWS time (chrony with the Amazon Time Sync"
            + " Service, 169.254.169.123, as EKS-optimised AMIs configure it); STS refuses requests signed more than"
            + " 15 minutes off. role-probe retries with backoff.";
    static final String NO_REGION = "Set " + RoleProbeConfig.REGION + " (for example " + RoleProbeConfig.REGION
            + "=eu-west-1; the environment variable ROLE_PROBE_REGION) or the AWS_REGION environment variable to the"
            + " region of the regional STS endpoint.";

    private Remedies() {
    }

    /**
     * The remedy for another identity from the EKS Pod Identity agent: the association may have a target role, whose
     * credentials the agent hands out, and which is then the role to expect.
     */
    static String targetRole(String targetRoleArn) {
        return "If the EKS Pod Identity association has a target role (targetRoleArn), expect that role: "
                + RoleProbeConfig.ROLE_ARNS + "=" + targetRoleArn + " (the kit copies it with the"
                + " pod-identity-target-role component). Otherwise point the association at the expected role.";
    }

    /**
     * The remedy for an IRSA role that is not expected: name the annotation, and, when EKS Pod Identity is injected
     * too, that the annotation wins.
     */
    static String irsaRole(io.github.roleprobe.arn.IamRoleArn irsa, boolean podIdentityToo) {
        return podIdentityToo
                ? "Remove the eks.amazonaws.com/role-arn annotation (" + irsa.roleName() + ") from the service account"
                        + " so that the EKS Pod Identity association is used, then recreate the pod; or correct "
                        + RoleProbeConfig.ROLE_ARNS + "."
                : "Point the service account's eks.amazonaws.com/role-arn annotation (now " + irsa.roleName()
                        + ") at the expected role and recreate the pod, or correct " + RoleProbeConfig.ROLE_ARNS + ".";
    }
}
