package io.github.roleprobe.testkit;

/**
 * What is wrong with the EKS Pod Identity token file that {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}
 * (or {@code aws.containerAuthorizationTokenFile}) names. The setting keeps pointing at the same path;
 * the agent keeps accepting only the token it wrote. See
 * {@link EksPodSimulator.Builder#podIdentityTokenFileProblem(TokenFileProblem)} and
 * {@link EksPodSimulator#setPodIdentityTokenFileProblem(TokenFileProblem)}.
 */
public enum TokenFileProblem {
    /** The file holds the token, readable, without a trailing newline (the default). */
    NONE,
    /** Nothing exists at the path (the projected volume is not mounted, or the path is mistyped). */
    MISSING,
    /**
     * The file exists with permissions {@code 000}. Only effective for a process that is not root:
     * root reads a file whatever its permission bits (check with {@link java.nio.file.Files#isReadable}).
     * Needs a POSIX file system.
     */
    UNREADABLE,
    /** A directory is at the path instead of a file. */
    DIRECTORY,
    /**
     * The file holds the token followed by {@code \r\n}: the JVM's HTTP client refuses a header value
     * with a line break, so the SDK never sends the request and the agent counts none.
     */
    TRAILING_CRLF
}
