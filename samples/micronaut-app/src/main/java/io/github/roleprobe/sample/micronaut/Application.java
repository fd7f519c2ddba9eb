package io.github.roleprobe.sample.micronaut;

import io.micronaut.runtime.Micronaut;

/** Starts the sample service. */
public final class Application {

    private Application() {
    }

    /**
     * Runs the Micronaut application.
     *
     * @param args command-line arguments, passed to Micronaut ({@code -key=value} become properties)
     */
    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
