package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.AppClients;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * {@code role-probe.guard.mode=enforce}: the application's client stuck on the node role has its requests refused
 * with role-probe's {@link SdkClientException} before they are sent, so they never reach STS; a client signing with
 * the confirmed pod role goes through.
 */
@TestPropertySource(properties = "role-probe.guard.mode=enforce")
class GuardEnforceTest extends SimulatedPodSpringBootTest {

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().podIdentity(ROLE)
            .associationConsistentAfter(Duration.ofHours(1)));

    private final AppClients clients = new AppClients();

    @AfterEach
    void closeClients() {
        clients.close();
    }

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void theStuckClientsRequestsAreRefusedBeforeTheyAreSent() {
        EksPodSimulator simulator = POD.simulator();
        // role-probe's own attempts identify the node role's key first: from then on they make no STS call.
        probes.awaitOn(Probes.ROLE_PROBE, r -> simulator.nodeRoleCallerArn().equals(r.details().get("callerArn")));
        StsClient stuck = clients.withDefaultChain();
        long calls = simulator.counters().stsGetCallerIdentityCalls();
        long requests = simulator.counters().stsRequests();

        Throwable refused = catchThrowable(stuck::getCallerIdentity);

        assertThat(refused).isInstanceOf(SdkClientException.class);
        POD.scan(refused.getMessage());
        assertThat(refused.getMessage())
                .startsWith("role-probe (role-probe.guard.mode=enforce) refused to send this sts GetCallerIdentity"
                        + " request: it is signed as the node role " + simulator.nodeRoleCallerArn())
                .contains("credentials from INSTANCE_PROFILE", "not " + ROLE, "AWS_EC2_METADATA_DISABLED=true",
                        "liveness restarts the container");
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).as("never sent").isEqualTo(calls);
        assertThat(simulator.counters().stsRequests()).isEqualTo(requests);
        HealthResponse flagged = probes.roleProbe();
        assertThat(flagged.details()).containsEntry("guard", "enforce").containsEntry("state", "WRONG_IDENTITY");
        assertThat(flagged.clients()).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("identity", "node_role").containsEntry("wrongOperation", "GetCallerIdentity"));
        assertThat(probes.readiness().status()).isEqualTo(503);

        simulator.makeAssociationConsistent();
        probes.awaitOn(Probes.ROLE_PROBE, r -> r.details().containsKey("lastConfirmed"));
        calls = simulator.counters().stsGetCallerIdentityCalls();
        Throwable again = catchThrowable(stuck::getCallerIdentity);
        assertThat(again).isInstanceOf(SdkClientException.class).hasMessageContaining("refused to send");
        POD.scan(again.getMessage());
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(calls);
        // A client built now signs with the pod's role, which role-probe confirmed: it goes through.
        String caller = clients.withDefaultChain().getCallerIdentity().arn();
        POD.scan(caller);
        assertThat(caller).isEqualTo(simulator.podIdentityCallerArn());
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(calls + 1);
        assertThat(probes.readiness().status()).as("the stuck client still holds readiness").isEqualTo(503);
    }
}
