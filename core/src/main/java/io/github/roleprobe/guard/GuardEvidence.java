package io.github.roleprobe.guard;

import io.github.roleprobe.arn.IamRoleArn;
import io.github.roleprobe.credentials.CredentialSource;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the request guard holds against the pod's identity: the application client that was seen first signing a
 * request with a wrong identity, and how many clients are wrong. Immutable.
 *
 * @param identity {@link RequestIdentity#NODE_ROLE} or {@link RequestIdentity#OTHER}
 * @param service the client's service as the SDK names it, lower-cased ({@code sqs}, {@code sts}, ...)
 * @param operation the operation of that request, for example {@code SendMessage}; may be {@code null}
 * @param callerArn the caller ARN STS told for the signing key; {@code null} for a node role known by its source
 * @param source where the client's credentials came from
 * @param maskedAccessKeyId the signing access key id, masked
 * @param since when that request was seen, by the verifier's clock
 * @param wrongClients how many tracked clients are wrong, at least 1
 * @param expectedRoles the verifier's expected roles, for the reason
 */
public record GuardEvidence(RequestIdentity identity, String service, String operation, String callerArn,
        CredentialSource source, String maskedAccessKeyId, Instant since, int wrongClients,
        List<IamRoleArn> expectedRoles) {

    /** Copies the role list. */
    public GuardEvidence {
        expectedRoles = List.copyOf(expectedRoles);
    }

    /**
     * @return one line naming the client, its identity and source, stable while the same client stays wrong (the
     *     number of further wrong clients aside)
     */
    public String reason() {
        String client = "The application's " + service + " client"
                + (operation != null ? " (" + operation + ")" : "");
        String who = identity == RequestIdentity.NODE_ROLE
                ? "the node role" + (callerArn != null ? " " + callerArn : "")
                : callerArn;
        String expected = expectedRoles.stream().map(IamRoleArn::toString).collect(Collectors.joining(" or "));
        String more = wrongClients > 1 ? " " + (wrongClients - 1) + " more client"
                + (wrongClients > 2 ? "s" : "") + " signed with a wrong identity too." : "";
        return client + " signed a request as " + who + " (credentials from " + source + ", access key "
                + maskedAccessKeyId + "), not " + (expected.isEmpty() ? "an expected role" : expected)
                + ". An SDK client's credential provider chain keeps the provider that answered first, so this client"
                + " stays so until it signs with an expected role." + more;
    }

    /** @return one line saying what a person can do */
    public String remedy() {
        return identity == RequestIdentity.NODE_ROLE ? GuardMessages.NODE_ROLE_REMEDY : GuardMessages.OTHER_REMEDY;
    }
}
