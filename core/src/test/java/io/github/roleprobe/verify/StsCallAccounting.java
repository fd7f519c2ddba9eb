package io.github.roleprobe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.sts.CallerIdentityClient;
import io.github.roleprobe.testkit.EksPodSimulator;
import java.util.Collection;
import java.util.List;

/**
 * Asserts that role-probe's own count of STS calls equals what the simulator's STS received from role-probe's client
 * (the {@code GetCallerIdentity} requests whose {@code User-Agent} carries {@code app/role-probe}), so that no attempt
 * that sent nothing is counted and no request is missed. Shared with the starters' tests through core's test jar.
 */
public final class StsCallAccounting {

    private StsCallAccounting() {
    }

    /**
     * @param pod the simulator every verifier talked to
     * @param verifiers all verifiers that used it, closed or not
     */
    public static void assertVerifiersMatch(EksPodSimulator pod, Collection<IdentityVerifier> verifiers) {
        long counted = verifiers.stream().mapToLong(IdentityVerifier::stsCalls).sum();
        assertThat(counted).as("STS calls role-probe counted = GetCallerIdentity requests the simulator received from"
                + " role-probe's client (%s)", pod.counters())
                .isEqualTo(pod.counters().stsGetCallerIdentityCallsByAppId(CallerIdentityClient.APP_ID));
    }

    /**
     * @param pod the simulator every verifier talked to
     * @param closeables what a test closes; the verifiers among them are the ones counted
     */
    public static void assertCountsMatch(EksPodSimulator pod, List<? extends AutoCloseable> closeables) {
        assertVerifiersMatch(pod, closeables.stream().filter(IdentityVerifier.class::isInstance)
                .map(IdentityVerifier.class::cast).toList());
    }
}
