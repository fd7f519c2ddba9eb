package io.github.roleprobe.guard;

import io.github.roleprobe.arn.IamRoleArn;
import io.github.roleprobe.config.RoleProbeConfig;
import java.util.List;
import java.util.stream.Collectors;

/** The request guard's texts, so that details, logs, exceptions and docs say the same thing. */
final class GuardMessages {

    static final String NODE_ROLE_REMEDY = "A client that resolved credentials before the EKS Pod Identity association"
            + " (or IRSA) was effective keeps the node role for the life of the JVM: liveness restarts the container"
            + " after " + RoleProbeConfig.LIVENESS_GRACE + ". Set AWS_EC2_METADATA_DISABLED=true so that the chain waits"
            + " instead of falling back to IMDS, or make the first AWS call after role-probe reports VERIFIED.";
    static final String OTHER_REMEDY = "Give the client credentials of the expected role, or, if it signs with"
            + " another role on purpose (its own assume-role provider), add that role to "
            + RoleProbeConfig.GUARD_ALLOWED_ROLE_ARNS + ".";

    private GuardMessages() {
    }

    static String refusal(String service, String operation, KeyView key, List<IamRoleArn> expected) {
        String who;
        switch (key.identity) {
            case NODE_ROLE -> who = "the node role" + (key.callerArn != null ? " " + key.callerArn : "");
            case OTHER -> who = key.callerArn;
            default -> who = "an identity that is not confirmed (" + key.note + ")";
        }
        String roles = expected.stream().map(IamRoleArn::toString).collect(Collectors.joining(" or "));
        String remedy = switch (key.identity) {
            case NODE_ROLE -> NODE_ROLE_REMEDY;
            case OTHER -> OTHER_REMEDY;
            default -> "Wait for STS to identify the key, or check " + RoleProbeConfig.GUARD_IDENTIFICATIONS_PER_HOUR
                    + " and network access to STS.";
        };
        return "role-probe (" + RoleProbeConfig.GUARD_MODE + "=enforce) refused to send this " + service
                + (operation != null ? " " + operation : "") + " request: it is signed as " + who
                + " (credentials from " + key.source + ", access key " + key.maskedAccessKeyId + "), not "
                + (roles.isEmpty() ? "an expected role" : roles) + ". " + remedy;
    }

    static String budgetSpent(int perHour) {
        return RoleProbeConfig.GUARD_IDENTIFICATIONS_PER_HOUR + " (" + perHour + ") is spent for this hour";
    }
}
