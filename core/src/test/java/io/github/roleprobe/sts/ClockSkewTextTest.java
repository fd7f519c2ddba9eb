package io.github.roleprobe.sts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClockSkewTextTest {

    @Test
    void anExpiredSignatureSaysHowFarBehindTheRequestTimeWasInsteadOfTheTimes() {
        String first = ClockSkewText.stable("Signature expired: 20261203T101500Z is now earlier than 20261203T102000Z"
                + " (20261203T103500Z - 15 min.)");
        String later = ClockSkewText.stable("Signature expired: 20261203T101731Z is now earlier than 20261203T102231Z"
                + " (20261203T103731Z - 15 min.)");

        assertThat(first).isEqualTo("Signature expired: the request time is more than 15 min. before STS's time"
                + " (the request time was about 20 minutes behind STS's)").isEqualTo(later);
    }

    @Test
    void aSignatureNotYetCurrentSaysHowFarAheadTheRequestTimeWas() {
        assertThat(ClockSkewText.stable("Signature not yet current: 20261203T110000Z is still later than"
                + " 20261203T103400Z (20261203T101900Z + 15 min.)"))
                .isEqualTo("Signature not yet current: the request time is more than 15 min. after STS's time"
                        + " (the request time was about 41 minutes ahead of STS's)");
    }

    @Test
    void otherTimesOfThatFormAreReplacedAndOtherTextIsKept() {
        assertThat(ClockSkewText.stable("Request at 20261203T101500Z has expired.")).isEqualTo("Request at <time> has expired.");
        assertThat(ClockSkewText.stable("Request has expired.")).isEqualTo("Request has expired.");
    }
}
