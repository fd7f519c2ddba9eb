package io.github.roleprobe.environment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PodEnvironmentTest {

    @Test
    void podIdentityNeedsUriAndToken() {
        assertThat(PodEnvironment.of(Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"))
                .injection()).isEqualTo(CredentialInjection.POD_IDENTITY);
        assertThat(PodEnvironment.of(Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials")).injection())
                .isEqualTo(CredentialInjection.NONE);
    }

    @Test
    void irsaNeedsRoleAndTokenFile() {
        PodEnvironment env = PodEnvironment.of(Map.of(
                "AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/orders",
                "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"));

        assertThat(env.injection()).isEqualTo(CredentialInjection.IRSA);
        assertThat(env.irsaPresent()).isTrue();
        assertThat(env.irsaRoleArn()).contains("arn:aws:iam::111122223333:role/orders");
        assertThat(PodEnvironment.of(Map.of("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/orders")).irsaPresent())
                .isFalse();
    }

    @Test
    void irsaEnvironmentNextToPodIdentityIsStillPresentForTheSdkChain() {
        PodEnvironment env = PodEnvironment.of(Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token",
                "AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/orders",
                "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"));

        assertThat(env.injection()).isEqualTo(CredentialInjection.POD_IDENTITY);
        assertThat(env.irsaPresent()).isTrue();
    }

    @Test
    void kubernetesIsRecognisedByServiceHost() {
        assertThat(PodEnvironment.of(Map.of("KUBERNETES_SERVICE_HOST", "10.100.0.1")).inKubernetes()).isTrue();
        assertThat(PodEnvironment.of(Map.of()).inKubernetes()).isFalse();
    }
}
