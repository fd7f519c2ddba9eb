package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sts.StsClient;

/** No region in the pod's settings: the SDK's default region chain ends at IMDS. */
class NoRegionTest {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";

    @BeforeEach
    void noRegionInThisJvmsEnvironment() {
        assumeTrue(System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null,
                "AWS_REGION or AWS_DEFAULT_REGION is set in the test JVM's environment, which cannot be cleared in-process");
    }

    @Test
    void theSettingsCarryNoRegionButStillTheEndpoints() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE).region("eu-west-1").noRegion().start()) {
            assertThat(sim.systemProperties()).doesNotContainKey("aws.region")
                    .containsKeys("aws.endpointUrlSts", "aws.endpointUrlSqs", "aws.containerCredentialsFullUri");
            assertThat(sim.environment()).doesNotContainKeys("AWS_REGION", "AWS_STS_REGIONAL_ENDPOINTS")
                    .containsKeys("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SQS", "AWS_CONTAINER_CREDENTIALS_FULL_URI");
            assertThat(sim.region()).isEqualTo("eu-west-1");
            sim.applySystemProperties();
            assertThat(System.getProperty("aws.region")).isNull();
        }
    }

    @Test
    void theDefaultRegionChainAsksImdsAndClientsWork() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE).region("eu-west-1").noRegion().start()) {
            sim.applySystemProperties();
            assertThat(DefaultAwsRegionProviderChain.builder().build().getRegion()).isEqualTo(Region.EU_WEST_1);
            assertThat(sim.counters().imdsRequests()).isPositive();
            try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build();
                 StsClient sts = StsClient.builder().httpClient(UrlConnectionHttpClient.create())
                         .credentialsProvider(provider).build()) {
                assertThat(sts.getCallerIdentity().arn()).isEqualTo(sim.podIdentityCallerArn());
            }
        }
    }

    @Test
    void withoutImdsNoClientCanBeBuilt() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE).noRegion().imds(ImdsMode.ABSENT).start()) {
            sim.applySystemProperties();
            assertThatThrownBy(() -> StsClient.builder().httpClient(UrlConnectionHttpClient.create()).build())
                    .isExactlyInstanceOf(SdkClientException.class)
                    .hasMessageStartingWith("Unable to load region from any of the providers in the chain "
                            + "software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain@")
                    .hasMessageContaining("SystemSettingsRegionProvider@")
                    .hasMessageContaining(": Unable to load region from system settings. Region must be specified either "
                            + "via environment variable (AWS_REGION) or  system property (aws.region).")
                    .hasMessageContaining("AwsProfileRegionProvider@")
                    .hasMessageContaining(": No region provided in profile: default")
                    .hasMessageEndingWith(": Unable to contact EC2 metadata service.]");
        }
    }
}
