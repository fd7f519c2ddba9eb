package io.github.roleprobe.kubernetes.sim;

/**
 * The simulated validation Job's container: what {@code aws sts get-caller-identity} plus a grep on
 * the role name does in legacy/validation-job.yaml, with the AWS SDK for Java's default chain (the
 * machine's awscli 2.9 predates the Pod Identity token file). A fresh process per Job pod.
 */
public final class CallerIdentityCheck {

    private CallerIdentityCheck() {
    }

    /**
     * Exits 0 when the caller is the role named by {@code EXPECTED_ROLE_ARN}, 1 when it is another
     * identity, 2 when there are no credentials or STS fails.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        String expected = System.getenv("EXPECTED_ROLE_ARN");
        String roleName = expected.substring(expected.lastIndexOf('/') + 1);
        int code;
        try {
            String arn = CallerIdentityApp.callerArn();
            System.out.println(CallerIdentityApp.CALLER + arn);
            code = arn.contains(":assumed-role/" + roleName + "/") ? 0 : 1;
        } catch (RuntimeException e) {
            System.out.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }
}
