package io.github.roleprobe.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Parses and verifies AWS Signature Version 4 {@code Authorization} headers (header-signed requests,
 * {@code AWS4-HMAC-SHA256}). Stateless and thread-safe.
 */
public final class SigV4 {

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request\\s*,"
                    + "\\s*SignedHeaders=([^,\\s]+)\\s*,\\s*Signature=([0-9a-f]{64})\\s*");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private SigV4() {
    }

    /**
     * The parts of an {@code Authorization} header.
     *
     * @param accessKeyId   access key id from the credential scope
     * @param date          scope date {@code yyyyMMdd}
     * @param region        scope region
     * @param service       scope service
     * @param signedHeaders lower-case header names joined by {@code ;}
     * @param signature     hex signature
     */
    public record Authorization(String accessKeyId, String date, String region, String service,
                                String signedHeaders, String signature) {

        /** @return {@code date/region/service/aws4_request} */
        public String scope() {
            return date + "/" + region + "/" + service + "/aws4_request";
        }
    }

    /**
     * @param header an {@code Authorization} header value, may be null
     * @return its parts, or empty if it is not a SigV4 header
     */
    public static Optional<Authorization> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = AUTHORIZATION.matcher(header.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Authorization(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6)));
    }

    /**
     * Recomputes the signature of a request and compares it with the one it carries.
     *
     * @param auth      the parsed {@code Authorization} header
     * @param secret    the secret access key of {@code auth.accessKeyId()}
     * @param method    HTTP method
     * @param rawPath   request path as sent (percent-encoded)
     * @param rawQuery  query string as sent, may be null
     * @param headers   lower-case header name to its values
     * @param body      the request body
     * @param now       the server's clock, to reject stale or future requests
     * @return empty if the signature is valid, else the reason it is not (STS-style message)
     */
    public static Optional<String> verify(Authorization auth, String secret, String method, String rawPath,
                                          String rawQuery, Function<String, List<String>> headers, byte[] body,
                                          Instant now) {
        String amzDate = first(headers, "x-amz-date");
        if (amzDate == null) {
            return Optional.of("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        Optional<Instant> parsed = parseAmzDate(amzDate);
        if (parsed.isEmpty()) {
            return Optional.of("Invalid X-Amz-Date " + amzDate);
        }
        Instant signedAt = parsed.get();
        Optional<String> skew = skewMessage(amzDate, signedAt, now);
        if (skew.isPresent()) {
            return skew;
        }
        if (!amzDate.startsWith(auth.date())) {
            return Optional.of("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + auth.date() + "' != '" + amzDate.substring(0, 8) + "'");
        }
        List<String> signed = List.of(auth.signedHeaders().split(";"));
        if (!signed.contains("host")) {
            return Optional.of("'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signed) {
            List<String> values = headers.apply(name);
            if (values == null) {
                return Optional.of("The request signature we calculated does not match the signature you provided.");
            }
            List<String> trimmed = new ArrayList<>();
            for (String v : values) {
                trimmed.add(v.trim().replaceAll(" +", " "));
            }
            canonicalHeaders.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        String payloadHash = first(headers, "x-amz-content-sha256");
        if (payloadHash == null) {
            payloadHash = hex(sha256(body));
        }
        String canonicalRequest = method + "\n"
                + canonicalUri(rawPath) + "\n"
                + canonicalQuery(rawQuery) + "\n"
                + canonicalHeaders + "\n"
                + auth.signedHeaders() + "\n"
                + payloadHash;
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + auth.scope() + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), auth.date());
        key = hmac(key, auth.region());
        key = hmac(key, auth.service());
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, stringToSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                auth.signature().getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("The request signature we calculated does not match the signature you provided. "
                    + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
        return Optional.empty();
    }

    /**
     * @param amzDate an {@code X-Amz-Date} value such as {@code 20261203T101500Z}, may be null
     * @return the instant it names, or empty if it is null or not of that form
     */
    public static Optional<Instant> parseAmzDate(String amzDate) {
        if (amzDate == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * @param instant a point in time
     * @return it as an {@code X-Amz-Date}, {@code yyyyMMdd'T'HHmmss'Z'} in UTC, e.g. {@code 20261203T101500Z}
     */
    public static String amzDate(Instant instant) {
        return AMZ_DATE.format(instant.atOffset(ZoneOffset.UTC));
    }

    /**
     * The message AWS answers when a request's {@code X-Amz-Date} is more than 15 minutes away from
     * the service's clock, e.g. {@code Signature expired: 20261203T101500Z is now earlier than
     * 20261203T102000Z (20261203T103500Z - 15 min.)}.
     *
     * @param amzDate  the request's {@code X-Amz-Date} as sent
     * @param signedAt the same, parsed
     * @param now      the service's clock
     * @return the message, or empty if the request is within the allowed skew
     */
    public static Optional<String> skewMessage(String amzDate, Instant signedAt, Instant now) {
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            return Optional.of("Signature expired: " + amzDate + " is now earlier than " + amzDate(now.minus(MAX_SKEW))
                    + " (" + amzDate(now) + " - 15 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            return Optional.of("Signature not yet current: " + amzDate + " is still later than "
                    + amzDate(now.plus(MAX_SKEW)) + " (" + amzDate(now) + " + 15 min.)");
        }
        return Optional.empty();
    }

    private static String first(Function<String, List<String>> headers, String name) {
        List<String> v = headers.apply(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Each path segment as sent, encoded once more (SigV4 double encoding for non-S3 services). */
    private static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        String[] segments = rawPath.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                sb.append('/');
            }
            sb.append(encode(segments[i]));
        }
        return sb.toString();
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (Map.Entry<String, String> e : decodeAll(rawQuery)) {
            pairs.add(new String[] {encode(e.getKey()), encode(e.getValue())});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        List<String> joined = new ArrayList<>();
        for (String[] p : pairs) {
            joined.add(p[0] + "=" + p[1]);
        }
        return String.join("&", joined);
    }

    private static List<Map.Entry<String, String>> decodeAll(String rawQuery) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.add(Map.entry(percentDecode(name), percentDecode(value)));
        }
        return out;
    }

    private static String percentDecode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** RFC 3986 encoding as SigV4 wants it: only A-Z a-z 0-9 - _ . ~ stay as they are. */
    static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append(c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
