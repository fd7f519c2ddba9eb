package io.github.roleprobe.sts;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns STS's clock-skew message into stable words: the same text on every attempt while the skew stays the same.
 *
 * <p>STS (as other AWS services with Signature Version 4) answers {@code SignatureDoesNotMatch} with
 * {@code Signature expired: <request time> is now earlier than <limit> (<STS time> - 15 min.)}, or
 * {@code Signature not yet current: <request time> is still later than <limit> (<STS time> + 15 min.)}, the times in
 * the {@code X-Amz-Date} form {@code 20261203T101500Z}. Those times change on every request; how far the request time
 * is from STS's time does not. So the times are replaced by that distance, in whole minutes. Any other timestamp of
 * that form is replaced by {@code <time>}. Stateless and thread-safe.
 */
final class ClockSkewText {

    private static final String TIME = "(\\d{8}T\\d{6}Z)";
    private static final Pattern EXPIRED = Pattern.compile(
            "Signature expired: " + TIME + " is now earlier than " + TIME + " \\(" + TIME + " - 15 min\\.\\)");
    private static final Pattern NOT_YET_CURRENT = Pattern.compile(
            "Signature not yet current: " + TIME + " is still later than " + TIME + " \\(" + TIME + " \\+ 15 min\\.\\)");
    private static final Pattern ANY_TIME = Pattern.compile("\\d{8}T\\d{6}Z");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private ClockSkewText() {
    }

    /**
     * @param message STS's error message, one line
     * @return the message with its times replaced by the distance between the request time and STS's time
     */
    static String stable(String message) {
        Matcher expired = EXPIRED.matcher(message);
        if (expired.find()) {
            return expired.replaceFirst(Matcher.quoteReplacement("Signature expired: the request time is more than"
                    + " 15 min. before STS's time" + distance(expired.group(1), expired.group(3), "behind")));
        }
        Matcher early = NOT_YET_CURRENT.matcher(message);
        if (early.find()) {
            return early.replaceFirst(Matcher.quoteReplacement("Signature not yet current: the request time is more"
                    + " than 15 min. after STS's time" + distance(early.group(1), early.group(3), "ahead of")));
        }
        return ANY_TIME.matcher(message).replaceAll("<time>");
    }

    private static String distance(String requestTime, String stsTime, String direction) {
        try {
            Duration d = Duration.between(LocalDateTime.parse(requestTime, AMZ_DATE), LocalDateTime.parse(stsTime, AMZ_DATE))
                    .abs();
            long minutes = Math.round(d.getSeconds() / 60.0);
            return " (the request time was about " + minutes + " minutes " + direction + " STS's)";
        } catch (DateTimeParseException e) {
            return "";
        }
    }
}
