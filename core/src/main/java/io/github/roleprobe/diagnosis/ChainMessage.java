package io.github.roleprobe.diagnosis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What each provider of the SDK's credential provider chain said, read from the chain's exception message
 * ({@code AwsCredentialsProviderChain.resolveCredentials}: "Unable to load credentials from any of the providers in
 * the chain ...: [SystemPropertyCredentialsProvider(): ..., ..., InstanceProfileCredentialsProvider(): ...]", AWS SDK
 * for Java 2.57). Immutable.
 */
final class ChainMessage {

    static final String WEB_IDENTITY = "WebIdentityTokenFileCredentialsProvider";
    static final String CONTAINER = "ContainerCredentialsProvider";
    static final String INSTANCE_PROFILE = "InstanceProfileCredentialsProvider";
    private static final String[] PROVIDERS = {"SystemPropertyCredentialsProvider",
        "EnvironmentVariableCredentialsProvider", WEB_IDENTITY, "ProfileCredentialsProvider", CONTAINER,
        INSTANCE_PROFILE};

    private final Map<String, String> byProvider;

    private ChainMessage(Map<String, String> byProvider) {
        this.byProvider = byProvider;
    }

    static ChainMessage parse(String message) {
        Map<String, String> found = new LinkedHashMap<>();
        if (message == null) {
            return new ChainMessage(found);
        }
        int list = message.indexOf(" : [");
        String text = list >= 0 ? message.substring(list + 4) : message;
        if (text.endsWith("]")) {
            text = text.substring(0, text.length() - 1);
        }
        int[] starts = new int[PROVIDERS.length];
        for (int i = 0; i < PROVIDERS.length; i++) {
            starts[i] = indexOfProvider(text, PROVIDERS[i]);
        }
        for (int i = 0; i < PROVIDERS.length; i++) {
            if (starts[i] < 0) {
                continue;
            }
            int colon = text.indexOf("): ", starts[i]);
            if (colon < 0) {
                continue;
            }
            int end = text.length();
            for (int start : starts) {
                if (start > starts[i] && start < end) {
                    end = start;
                }
            }
            String said = text.substring(Math.min(colon + 3, end), end).strip();
            if (said.endsWith(",")) {
                said = said.substring(0, said.length() - 1);
            }
            found.put(PROVIDERS[i], said);
        }
        return new ChainMessage(found);
    }

    private static int indexOfProvider(String text, String provider) {
        int from = 0;
        while (true) {
            int i = text.indexOf(provider + "(", from);
            // Only a whole name counts, never the tail of a longer one that ends the same way.
            if (i <= 0 || !Character.isLetterOrDigit(text.charAt(i - 1))) {
                return i;
            }
            from = i + 1;
        }
    }

    /** @return what {@code provider} said, as the SDK wrote it; empty when the chain did not list it */
    Optional<String> of(String provider) {
        return Optional.ofNullable(byProvider.get(provider));
    }

    boolean isChain() {
        return !byProvider.isEmpty();
    }
}
