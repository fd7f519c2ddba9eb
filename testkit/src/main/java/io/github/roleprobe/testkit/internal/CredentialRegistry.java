package io.github.roleprobe.testkit.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mints random credentials from {@link SecureRandom}, remembers every one by access key id (so STS
 * can identify callers) and every secret it handed out. Thread-safe.
 */
public final class CredentialRegistry {

    private static final char[] UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
    private static final char[] SECRET_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration lifetime;
    private final Map<String, IssuedCredentials> byAccessKeyId = new ConcurrentHashMap<>();
    private final Map<String, String> roleIds = new ConcurrentHashMap<>();
    private final Set<String> secrets = ConcurrentHashMap.newKeySet();

    /**
     * @param clock    source of "now" for expirations
     * @param lifetime how long issued credentials stay valid
     */
    public CredentialRegistry(Clock clock, Duration lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /**
     * Mints and registers new credentials for a session of {@code roleArn}.
     *
     * @param roleArn     the IAM role ARN
     * @param sessionName the role session name
     * @return the new credentials, expiring after the configured lifetime (whole seconds)
     */
    public IssuedCredentials issue(String roleArn, String sessionName) {
        return issue(roleArn, sessionName, clock.instant().plus(lifetime));
    }

    /**
     * Mints and registers new credentials for a session of {@code roleArn} with a given expiration.
     *
     * @param roleArn     the IAM role ARN
     * @param sessionName the role session name
     * @param expiresAt   when they expire (truncated to whole seconds); may be in the past
     * @return the new credentials
     */
    public IssuedCredentials issue(String roleArn, String sessionName, Instant expiresAt) {
        String roleId = roleIds.computeIfAbsent(roleArn.toLowerCase(Locale.ROOT), k -> "AROA" + randomOf(UPPER_ALNUM, 17));
        Instant expiration = expiresAt.truncatedTo(ChronoUnit.SECONDS);
        IssuedCredentials c = new IssuedCredentials("ASIA" + randomOf(UPPER_ALNUM, 16), randomOf(SECRET_CHARS, 40),
                randomToken(320), expiration, roleArn, roleId, sessionName);
        secrets.add(c.secretAccessKey());
        secrets.add(c.sessionToken());
        byAccessKeyId.put(c.accessKeyId(), c);
        return c;
    }

    /**
     * @param accessKeyId an access key id from a request
     * @return the credentials it belongs to, if this simulator issued it
     */
    public Optional<IssuedCredentials> find(String accessKeyId) {
        return accessKeyId == null ? Optional.empty() : Optional.ofNullable(byAccessKeyId.get(accessKeyId));
    }

    /**
     * Records a secret (such as a token file's content) so that {@link #secrets()} reports it.
     *
     * @param secret the secret
     * @return the same secret
     */
    public String remember(String secret) {
        secrets.add(secret);
        return secret;
    }

    /** @return a snapshot of every secret key, session token and web identity token handed out */
    public Set<String> secrets() {
        return Set.copyOf(secrets);
    }

    /**
     * @param bytes number of random bytes
     * @return them, base64url-encoded without padding
     */
    public String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * @param length number of characters
     * @return random upper-case letters and digits
     */
    public String randomUpperAlnum(int length) {
        return randomOf(UPPER_ALNUM, length);
    }

    private String randomOf(char[] alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return sb.toString();
    }
}
