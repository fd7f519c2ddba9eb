package io.github.roleprobe.diagnosis;

import java.util.Objects;

/**
 * Why the credentials could not be resolved: the component that failed, a reason naming it and how it failed, and a
 * remedy for that cause. Texts are stable from attempt to attempt and contain no secret. Immutable and thread-safe.
 */
public final class CredentialFailure {

    private final FailedComponent component;
    private final String reason;
    private final String remedy;

    private CredentialFailure(FailedComponent component, String reason, String remedy) {
        this.component = Objects.requireNonNull(component, "component");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.remedy = Objects.requireNonNull(remedy, "remedy");
    }

    /**
     * @param component the component that failed
     * @param reason one or more sentences naming the component and what it did
     * @param remedy what a person can do about it
     * @return the failure
     * @throws NullPointerException when an argument is {@code null}
     */
    public static CredentialFailure of(FailedComponent component, String reason, String remedy) {
        return new CredentialFailure(component, reason, remedy);
    }

    /** @return the component that failed */
    public FailedComponent component() {
        return component;
    }

    /** @return why resolution failed, naming the component */
    public String reason() {
        return reason;
    }

    /** @return what to do about it */
    public String remedy() {
        return remedy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CredentialFailure f && f.component == component && f.reason.equals(reason)
                && f.remedy.equals(remedy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(component, reason, remedy);
    }

    @Override
    public String toString() {
        return "CredentialFailure[" + component + ": " + reason + "]";
    }
}
