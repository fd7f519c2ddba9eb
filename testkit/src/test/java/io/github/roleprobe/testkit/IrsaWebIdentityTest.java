package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.InvalidIdentityTokenException;

class IrsaWebIdentityTest {

    static final String ROLE = "arn:aws:iam::111122223333:role/team/app/orders";

    @Test
    void webIdentityProviderAssumesTheRoleAndStsDropsTheRolePath() {
        try (EksPodSimulator sim = EksPodSimulator.builder().irsa(ROLE).start()) {
            sim.applySystemProperties();
            try (WebIdentityTokenFileCredentialsProvider provider = WebIdentityTokenFileCredentialsProvider.create();
                 StsClient sts = Sdk.sts(sim, provider)) {
                AwsCredentials credentials = provider.resolveCredentials();
                assertThat(credentials.providerName()).hasValue("h,k"); // SDK 2.57 feature ids: env-var web identity token, STS AssumeRoleWithWebIdentity
                GetCallerIdentityResponse identity = sts.getCallerIdentity();

                assertThat(identity.arn()).matches("arn:aws:sts::111122223333:assumed-role/orders/aws-sdk-java-\\d+")
                        .startsWith(EksPodSimulator.assumedRoleArn(ROLE));
                assertThat(identity.account()).isEqualTo("111122223333");
                assertThat(sim.counters().stsAssumeRoleWithWebIdentityCalls()).isEqualTo(1);
                assertThat(sim.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
                assertThat(sim.issuedSecrets().contains(credentials.secretAccessKey())).isTrue();
            }
        }
    }

    @Test
    void defaultChainPrefersIrsaOverTheNodeRole() {
        try (EksPodSimulator sim = EksPodSimulator.builder().irsa(ROLE).start()) {
            sim.applySystemProperties();
            try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
                 StsClient sts = Sdk.sts(sim, chain)) {
                assertThat(sts.getCallerIdentity().arn()).startsWith("arn:aws:sts::111122223333:assumed-role/orders/");
            }
            assertThat(sim.counters().imdsRequests()).isZero();
        }
    }

    @Test
    void assumeRoleWithWebIdentityRejectsATokenItDidNotWrite() throws Exception {
        try (EksPodSimulator sim = EksPodSimulator.builder().irsa(ROLE).start()) {
            sim.applySystemProperties();
            String token = Files.readString(sim.webIdentityTokenFile());
            assertThat(sim.issuedSecrets().contains(token)).isTrue();
            try (StsClient sts = Sdk.sts(sim, AnonymousCredentialsProvider.create())) {
                assertThatThrownBy(() -> sts.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE)
                        .roleSessionName("s1").webIdentityToken(token + "x")))
                        .isInstanceOf(InvalidIdentityTokenException.class);
                assertThat(sts.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE).roleSessionName("s1")
                        .webIdentityToken(token)).assumedRoleUser().arn())
                        .isEqualTo("arn:aws:sts::111122223333:assumed-role/orders/s1");
            }
        }
    }
}
