package io.github.roleprobe.metrics;

import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import io.github.roleprobe.verify.WrongIdentityKind;
import java.util.Locale;

/**
 * The values of the {@code state} tag of {@value RoleProbeMetrics#STATE} and of the {@code outcome} tag of
 * {@value RoleProbeMetrics#ATTEMPTS}: the {@link VerificationState}, with {@link VerificationState#WRONG_IDENTITY}
 * split by its {@link WrongIdentityKind} so that the node role has its own series. A small fixed set.
 */
public enum StateTag {
    /** {@link VerificationState#PENDING}: no attempt finished yet (never an attempt outcome). */
    PENDING,
    /** {@link VerificationState#VERIFIED}, stale or not. */
    VERIFIED,
    /** {@link VerificationState#WRONG_IDENTITY} with {@link WrongIdentityKind#NODE_ROLE}. */
    WRONG_IDENTITY_NODE_ROLE,
    /** {@link VerificationState#WRONG_IDENTITY} with {@link WrongIdentityKind#OTHER}. */
    WRONG_IDENTITY_OTHER,
    /** {@link VerificationState#NO_CREDENTIALS}. */
    NO_CREDENTIALS,
    /** {@link VerificationState#NOT_INJECTED}. */
    NOT_INJECTED,
    /** {@link VerificationState#STS_UNAVAILABLE}. */
    STS_UNAVAILABLE,
    /** {@link VerificationState#MISCONFIGURED}. */
    MISCONFIGURED;

    private static final StateTag[] VALUES = values();

    private final String tagValue = name().toLowerCase(Locale.ROOT);

    /** @return the tag value: the lower-case name, for example {@code wrong_identity_node_role} */
    public String tagValue() {
        return tagValue;
    }

    /**
     * @param snapshot a snapshot
     * @return the tag of its state (and wrong-identity kind); allocation-free
     */
    public static StateTag of(VerificationSnapshot snapshot) {
        return switch (snapshot.state()) {
            case PENDING -> PENDING;
            case VERIFIED -> VERIFIED;
            case WRONG_IDENTITY -> snapshot.wrongIdentityKind().orElse(WrongIdentityKind.OTHER) == WrongIdentityKind.NODE_ROLE
                    ? WRONG_IDENTITY_NODE_ROLE : WRONG_IDENTITY_OTHER;
            case NO_CREDENTIALS -> NO_CREDENTIALS;
            case NOT_INJECTED -> NOT_INJECTED;
            case STS_UNAVAILABLE -> STS_UNAVAILABLE;
            case MISCONFIGURED -> MISCONFIGURED;
        };
    }

    static StateTag byOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
