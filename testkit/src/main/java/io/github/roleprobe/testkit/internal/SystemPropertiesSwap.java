package io.github.roleprobe.testkit.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Sets a group of JVM system properties, clearing the managed ones that are not given, and puts
 * back what was there before on {@link #restore()}. Thread-safe (the JVM's properties are shared by
 * every thread, so two swaps active at once overwrite each other).
 */
public final class SystemPropertiesSwap {

    private final Set<String> managedKeys;
    private Map<String, String> previous;

    /** @param managedKeys every key this swap sets or clears */
    public SystemPropertiesSwap(Set<String> managedKeys) {
        this.managedKeys = Set.copyOf(managedKeys);
    }

    /**
     * Remembers the current values of all managed keys (only on the first call until restored),
     * then sets {@code values} and clears every other managed key.
     *
     * @param values the properties to set; each key must be managed
     * @throws IllegalArgumentException if a key is not managed
     */
    public synchronized void apply(Map<String, String> values) {
        for (String key : values.keySet()) {
            if (!managedKeys.contains(key)) {
                throw new IllegalArgumentException("not a managed key: " + key);
            }
        }
        if (previous == null) {
            previous = new HashMap<>();
            for (String key : managedKeys) {
                previous.put(key, System.getProperty(key));
            }
        }
        for (String key : managedKeys) {
            String value = values.get(key);
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        }
    }

    /** Puts back the values seen by the first {@link #apply(Map)}; does nothing if not applied. */
    public synchronized void restore() {
        if (previous == null) {
            return;
        }
        for (Map.Entry<String, String> e : previous.entrySet()) {
            if (e.getValue() == null) {
                System.clearProperty(e.getKey());
            } else {
                System.setProperty(e.getKey(), e.getValue());
            }
        }
        previous = null;
    }
}
