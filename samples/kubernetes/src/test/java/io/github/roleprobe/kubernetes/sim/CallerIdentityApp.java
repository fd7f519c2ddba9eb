package io.github.roleprobe.kubernetes.sim;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The application container of the sidecar kit's pod (in the manifest a Python HTTP server), as a child JVM: on
 * start it resolves credentials once through the AWS SDK for Java's default chain (a fresh one, as any SDK client
 * built at start-up), prints {@code caller: <ARN>} from STS {@code GetCallerIdentity}, then listens on a loopback
 * port (for the manifest's tcpSocket readiness probe) and writes it to the port file. Without credentials it
 * prints {@code error: ...} and exits 1, as an application that cannot start.
 */
public final class CallerIdentityApp {

    /** What the app prints before the caller ARN. */
    public static final String CALLER = "caller: ";

    private CallerIdentityApp() {
    }

    /**
     * @param args the port file
     * @throws IOException when it cannot listen
     */
    public static void main(String[] args) throws IOException {
        Path portFile = Path.of(args[0]);
        try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
                StsClient sts = StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                        .credentialsProvider(chain).build()) {
            System.out.println(CALLER + sts.getCallerIdentity().arn());
        } catch (RuntimeException e) {
            System.out.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            System.out.flush();
            System.exit(1);
        }
        System.out.flush();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(tmp, String.valueOf(server.getLocalPort()));
            Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            while (true) {
                try (Socket s = server.accept()) {
                    // a tcpSocket probe: accepting the connection is the answer
                }
            }
        }
    }
}
