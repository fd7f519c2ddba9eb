package io.github.roleprobe.verify;

import io.github.roleprobe.arn.IamRoleArn;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.environment.PodEnvironment;
import java.util.List;
import java.util.Optional;

/**
 * The roles the verifier expects: the configured {@code role-probe.role-arns}, else the IRSA role of
 * {@code AWS_ROLE_ARN} ({@code aws.roleArn}). Immutable.
 *
 * @param roles the expected roles, possibly empty
 * @param missingReason why there are none, when {@code roles} is empty
 */
public record ExpectedRoles(List<IamRoleArn> roles, String missingReason) {

    /** Copies the role list. */
    public ExpectedRoles {
        roles = List.copyOf(roles);
    }

    /**
     * Resolves the expected roles.
     *
     * @param config the configuration
     * @param environment the pod environment
     * @return the roles, or none with a reason
     * @throws io.github.roleprobe.config.InvalidSettingException naming {@code AWS_ROLE_ARN} when it is
     *     the only source and holds a malformed ARN
     */
    public static ExpectedRoles resolve(RoleProbeConfig config, PodEnvironment environment) {
        if (!config.roleArns().isEmpty()) {
            return new ExpectedRoles(config.roleArns(), null);
        }
        Optional<String> irsa = environment.irsaRoleArn();
        if (irsa.isPresent()) {
            return new ExpectedRoles(List.of(IamRoleArn.parse("AWS_ROLE_ARN", irsa.get())), null);
        }
        return new ExpectedRoles(List.of(), "No expected role: " + RoleProbeConfig.ROLE_ARNS
                + " is not set and AWS_ROLE_ARN (IRSA) is absent.");
    }

    /**
     * Tells whether the verifier should run at all. Outside Kubernetes with no expected role it stays out
     * of the way (a developer's laptop, a CI job); inside Kubernetes a missing role is a misconfiguration
     * the verifier reports as {@link VerificationState#MISCONFIGURED}.
     *
     * @param environment the pod environment
     * @return {@code true} when there is a role to verify or the process runs in Kubernetes
     */
    public boolean activeIn(PodEnvironment environment) {
        return !roles.isEmpty() || environment.inKubernetes();
    }
}
