package io.github.roleprobe.diagnosis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks a token file the way the SDK will use it: it must exist, be a readable regular file, and its content must be
 * a valid HTTP header value (the JDK's HTTP client refuses CR, LF and other control characters, so a token with a
 * trailing {@code \r\n} is never sent). The content is read, never returned or shown.
 */
final class TokenFileCheck {

    /** Largest content read: service account tokens are about 1 KiB. */
    private static final int MAX_BYTES = 64 * 1024;

    private TokenFileCheck() {
    }

    /** The outcome: a problem in words, or the token to send. */
    record Outcome(Optional<String> problem, Optional<String> token) {
        @Override
        public String toString() {
            return "Outcome[problem=" + problem + ", token=" + (token.isPresent() ? SdkText.REDACTED : "none") + "]";
        }
    }

    /**
     * @param setting the environment variable naming the file, for example {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}
     * @param path the path it names
     * @return the problem, naming the setting and the path, or the token
     */
    static Outcome check(String setting, String path) {
        Path file;
        try {
            file = Path.of(path);
        } catch (InvalidPathException e) {
            return problem("the token file named by " + setting + " is not a valid path");
        }
        if (Files.isDirectory(file)) {
            return problem("the token file " + path + " (" + setting + ") is a directory, not a file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES);
        } catch (NoSuchFileException e) {
            return problem("the token file " + path + " (" + setting + ") does not exist");
        } catch (AccessDeniedException e) {
            return problem("the token file " + path + " (" + setting + ") cannot be read by this process (permission"
                    + " denied)");
        } catch (IOException | SecurityException e) {
            return problem("the token file " + path + " (" + setting + ") cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        String token = new String(bytes, StandardCharsets.UTF_8);
        if (token.isBlank()) {
            return problem("the token file " + path + " (" + setting + ") is empty");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '\r' || c == '\n' || (c < 0x20 && c != '\t') || c == 0x7f) {
                boolean trailing = token.substring(i).isBlank();
                return problem("the token in " + path + " (" + setting + ") "
                        + (trailing ? "ends with a line break (CR or LF)" : "contains a line break or another control"
                                + " character")
                        + ", which is not allowed in an HTTP header value: the JVM refuses to send it, so the request"
                        + " never leaves the pod");
            }
        }
        return new Outcome(Optional.empty(), Optional.of(token));
    }

    private static Outcome problem(String text) {
        return new Outcome(Optional.of(text), Optional.empty());
    }
}
