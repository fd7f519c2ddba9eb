package io.github.roleprobe.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CredentialSourceTest {

    @ParameterizedTest
    @CsvSource({
        "0, INSTANCE_PROFILE",
        "InstanceProfileCredentialsProvider, INSTANCE_PROFILE",
        "z, CONTAINER",
        "ContainerCredentialsProvider, CONTAINER",
        "'h,k', WEB_IDENTITY",
        "WebIdentityTokenCredentialsProvider, WEB_IDENTITY",
        "g, ENVIRONMENT",
        "e, STATIC",
        "StaticCredentialsProvider, STATIC",
        "something-new, UNKNOWN",
    })
    void classifiesSdkProviderNames(String providerName, CredentialSource expected) {
        assertThat(CredentialSource.fromProviderName(Optional.of(providerName))).isEqualTo(expected);
    }

    @Test
    void noProviderNameIsUnknown() {
        assertThat(CredentialSource.fromProviderName(Optional.empty())).isEqualTo(CredentialSource.UNKNOWN);
    }

    @Test
    void accessKeyIdsAreMasked() {
        assertThat(AccessKeyIds.mask("ASIAABCDEFGHIJKLWXYZ")).isEqualTo("ASIA…WXYZ");
        assertThat(AccessKeyIds.mask("SHORT")).isEqualTo("****");
        assertThat(AccessKeyIds.mask(null)).isNull();
    }
}
