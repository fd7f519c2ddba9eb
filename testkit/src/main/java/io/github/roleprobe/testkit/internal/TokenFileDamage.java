package io.github.roleprobe.testkit.internal;

import io.github.roleprobe.testkit.TokenFileProblem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Puts a token file into the state a {@link TokenFileProblem} describes: whatever is at the path is
 * replaced (a file, or an empty directory the simulator created). Stateless.
 */
public final class TokenFileDamage {

    private TokenFileDamage() {
    }

    /**
     * @param file    the token file's path
     * @param token   the token the file should hold when it is fine
     * @param problem the state to put the path into
     * @throws UncheckedIOException if the file system refuses
     * @throws UnsupportedOperationException for {@link TokenFileProblem#UNREADABLE} on a file system without
     *     POSIX permissions
     */
    public static void apply(Path file, String token, TokenFileProblem problem) {
        try {
            clear(file);
            switch (problem) {
                case NONE -> write(file, token);
                case MISSING -> {
                    // nothing at the path
                }
                case UNREADABLE -> {
                    write(file, token);
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
                }
                case DIRECTORY -> Files.createDirectory(file);
                case TRAILING_CRLF -> write(file, token + "\r\n");
                default -> throw new IllegalStateException("unknown problem " + problem);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the token file problem " + problem + " at " + file, e);
        }
    }

    private static void write(Path file, String content) throws IOException {
        Files.write(file, content.getBytes(StandardCharsets.US_ASCII));
    }

    private static void clear(Path file) throws IOException {
        if (Files.isDirectory(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(file);
        } else {
            Files.deleteIfExists(file);
        }
    }
}
