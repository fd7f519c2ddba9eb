package io.github.roleprobe.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the projected service-account tokens a pod sees: JWT-shaped (header, claims, random
 * signature), without a trailing newline. Stateless.
 */
public final class TokenFiles {

    private TokenFiles() {
    }

    /**
     * Mints a JWT-shaped token and writes it to {@code file}.
     *
     * @param file      where to write it (created or replaced)
     * @param issuer    {@code iss} claim
     * @param subject   {@code sub} claim
     * @param audience  {@code aud} claim
     * @param expiresAt {@code exp} claim
     * @param registry  provides randomness and remembers the token as a secret
     * @return the token, exactly as written
     * @throws UncheckedIOException if the file cannot be written
     */
    public static String write(Path file, String issuer, String subject, String audience, Instant expiresAt,
                               CredentialRegistry registry) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("kid", registry.randomToken(12));
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", audience);
        claims.put("exp", expiresAt.getEpochSecond());
        claims.put("iat", Instant.now().getEpochSecond());
        claims.put("iss", issuer);
        claims.put("sub", subject);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String token = b64.encodeToString(Json.object(header)) + "." + b64.encodeToString(Json.object(claims)) + "."
                + registry.randomToken(256);
        registry.remember(token);
        try {
            Files.write(file, token.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write token file " + file, e);
        }
        return token;
    }
}
