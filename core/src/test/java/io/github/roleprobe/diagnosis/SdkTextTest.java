package io.github.roleprobe.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SdkTextTest {

    @Test
    void requestIdsAttemptCountsAndIdentityHashesAreRemovedSoTheTextIsStable() {
        String a = "Service is unavailable. Please try again later. (Service: Sts, Status Code: 503, Request ID:"
                + " 8d58094c-52ed-4d12-8fb5-f5ec283becfe) (SDK Attempt Count: 1)";
        String b = "Service is unavailable. Please try again later. (Service: Sts, Status Code: 503, Request ID:"
                + " 15f01add-62c0-4b48-8a44-4822046670d0, Extended Request ID: abc) (SDK Attempt Count: 2)";
        assertThat(SdkText.stable(a)).isEqualTo("Service is unavailable. Please try again later. (Service: Sts, Status"
                + " Code: 503)").isEqualTo(SdkText.stable(b));
        assertThat(SdkText.stable("software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain@6d3af739: x"))
                .isEqualTo("software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain: x");
    }

    @Test
    void tokenLikeTextIsRedacted() {
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlLXBhcnQ";
        assertThat(SdkText.stable("bad token " + jwt + " here")).isEqualTo("bad token [redacted] here");
        assertThat(SdkText.stable("Illegal character(s) in message header value: " + jwt + "\r\n"))
                .isEqualTo("Illegal character(s) in message header value: [redacted]");
        String secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assertThat(SdkText.stable("key " + secretKey)).isEqualTo("key [redacted]");
        assertThat(SdkText.stable("arn:aws:sts::111122223333:assumed-role/orders/eks-demo-app-5d8f7b9c6d-x2k4q-50ac044b"))
                .as("ARNs and session names are kept").isEqualTo(
                        "arn:aws:sts::111122223333:assumed-role/orders/eks-demo-app-5d8f7b9c6d-x2k4q-50ac044b");
    }

    @Test
    void shortenCutsAtAWordBoundary() {
        assertThat(SdkText.shorten("one two three four", 9)).isEqualTo("one two…");
        assertThat(SdkText.shorten("short", 9)).isEqualTo("short");
    }
}
