package io.github.roleprobe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/** {@link IdentityVerifier#note} and {@link VerificationListener#attached}: the hook of role-probe-heal. */
class StateNoteTest {

    private static final AwsCredentialsProvider NONE = () -> {
        throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
    };

    @Test
    void aNoteShowsAfterTheReasonOfItsStateOnlyAndIsRemovedAgain() {
        ManualScheduler scheduler = new ManualScheduler();
        AtomicReference<IdentityVerifier> attached = new AtomicReference<>();
        List<VerificationSnapshot> changes = new CopyOnWriteArrayList<>();
        VerificationListener listener = new VerificationListener() {
            @Override
            public void attached(IdentityVerifier verifier) {
                attached.set(verifier);
            }

            @Override
            public void stateChanged(VerificationSnapshot previous, VerificationSnapshot current) {
                changes.add(current);
            }
        };
        try (IdentityVerifier verifier = IdentityVerifier.builder()
                .config(RoleProbeConfig.builder().roleArns(List.of("arn:aws:iam::111122223333:role/orders")).build())
                .environment(PodEnvironment.of(Map.of(PodEnvironment.KUBERNETES_SERVICE_HOST, "10.100.0.1")))
                .credentials(ApplicationCredentials.of(NONE))
                .clock(new ManualClock(Instant.parse("2026-12-04T08:00:00Z")))
                .scheduler(scheduler)
                .listener(listener)
                .build()) {
            assertThat(attached.get()).isSameAs(verifier);

            verifier.note(VerificationState.NOT_INJECTED, "Self-eviction: scheduled.");
            assertThat(verifier.snapshot().reason()).doesNotContain("Self-eviction"); // still PENDING

            verifier.start();
            scheduler.runImmediateTasks();
            VerificationSnapshot s = verifier.snapshot();
            assertThat(s.state()).isEqualTo(VerificationState.NOT_INJECTED);
            assertThat(s.reason()).startsWith("Running in Kubernetes, but neither EKS Pod Identity")
                    .endsWith("returned none. Self-eviction: scheduled.");
            assertThat(s.details()).containsEntry("reason", s.reason());
            assertThat(changes).singleElement().extracting(VerificationSnapshot::reason).isEqualTo(s.reason());

            verifier.note(VerificationState.NOT_INJECTED, "Self-eviction: stopped.");
            assertThat(verifier.snapshot().reason()).endsWith("returned none. Self-eviction: stopped.");
            assertThat(verifier.snapshot().stateSince()).isEqualTo(s.stateSince());

            verifier.note(VerificationState.NOT_INJECTED, null);
            assertThat(verifier.snapshot().reason()).endsWith("the credential provider chain returned none.");
        }
    }
}
