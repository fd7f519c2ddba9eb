package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.TestPropertySource;

/** Scenario f: the association targets another role of the same account. */
@TestPropertySource(properties = "role-probe.liveness-grace=30s")
class OtherRoleTest extends SimulatedPodSpringBootTest {

    static final String BILLING = "arn:aws:iam::111122223333:role/billing";

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().podIdentity(BILLING));

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void anotherRoleOfTheSameAccountIsWrongIdentityOther() {
        Probes.Observation wrong = probes.await(o -> "WRONG_IDENTITY".equals(o.state()));

        assertThat(wrong.readiness().status()).isEqualTo(503);
        assertThat(wrong.roleProbe().details())
                .containsEntry("wrongIdentity", "OTHER")
                .containsEntry("callerArn", POD.simulator().podIdentityCallerArn())
                .containsEntry("credentialSource", "CONTAINER")
                // role-probe verifies with its own fresh default chain here: a restart could not do better.
                .doesNotContainKey("livenessDeadline");
        assertThat((String) wrong.roleProbe().details().get("callerArn"))
                .startsWith("arn:aws:sts::111122223333:assumed-role/billing/");
        assertThat((String) wrong.roleProbe().details().get("reason")).contains(ROLE);
        assertThat(probes.liveness().status()).isEqualTo(200);
        assertThat(probes.readiness().status()).isEqualTo(503);
    }
}
