package io.github.roleprobe.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChainMessageTest {

    /** As AwsCredentialsProviderChain (SDK 2.57) words it when no provider has credentials. */
    private static final String CHAIN = "Unable to load credentials from any of the providers in the chain"
            + " AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider(),"
            + " EnvironmentVariableCredentialsProvider(), WebIdentityTokenFileCredentialsProvider(),"
            + " ProfileCredentialsProvider(profileName=default, profileFile=ProfileFile(sections=[])),"
            + " ContainerCredentialsProvider(), InstanceProfileCredentialsProvider()]) : ["
            + "SystemPropertyCredentialsProvider(): Unable to load credentials from system settings. Access key must be"
            + " specified either via environment variable (AWS_ACCESS_KEY_ID) or system property (aws.accessKeyId).,"
            + " EnvironmentVariableCredentialsProvider(): Unable to load credentials from system settings.,"
            + " WebIdentityTokenFileCredentialsProvider(): Either the environment variable AWS_WEB_IDENTITY_TOKEN_FILE or"
            + " the javaproperty aws.webIdentityTokenFile must be set.,"
            + " ProfileCredentialsProvider(profileName=default, profileFile=ProfileFile(sections=[])): Profile file"
            + " contained no credentials for profile 'default': ProfileFile(sections=[]),"
            + " ContainerCredentialsProvider(): Failed to load credentials from metadata service.,"
            + " InstanceProfileCredentialsProvider(): Failed to load credentials from IMDS.]";

    @Test
    void eachProviderSaysItsOwnPart() {
        ChainMessage m = ChainMessage.parse(CHAIN);

        assertThat(m.isChain()).isTrue();
        assertThat(m.of(ChainMessage.CONTAINER)).contains("Failed to load credentials from metadata service.");
        assertThat(m.of(ChainMessage.INSTANCE_PROFILE)).contains("Failed to load credentials from IMDS.");
        assertThat(m.of(ChainMessage.WEB_IDENTITY)).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Either the environment variable AWS_WEB_IDENTITY_TOKEN_FILE").endsWith("must be set."));
        assertThat(m.of("ProfileCredentialsProvider")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Profile file contained no credentials"));
    }

    @Test
    void aMessageThatIsNoChainsHasNoProviders() {
        ChainMessage m = ChainMessage.parse("Unable to assume role: AccessDenied");
        assertThat(m.isChain()).isFalse();
        assertThat(m.of(ChainMessage.CONTAINER)).isEmpty();
    }
}
