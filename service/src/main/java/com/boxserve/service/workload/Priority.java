package com.boxserve.service.workload;

import java.util.Locale;

/**
 * A job's class in its pool's queue: a worker takes the highest class first. Each class has places
 * of its own, so a flood of one class never takes the places of another: low work cannot refuse
 * default work, and default work cannot refuse a high request.
 */
public enum Priority {
    /** Callers the operator vouches for (synthetic probes, paid tenants): ahead of everything. */
    HIGH,
    /** Live traffic. */
    DEFAULT,
    /** Batch work (an evaluation's images, a client that says it can wait): only when no other class waits. */
    LOW;

    /** A class as a client names it ({@code high}, {@code default}, {@code low}, any case); none (null) is the default. */
    public static Priority parse(String value) {
        if (value == null) {
            return DEFAULT;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be high, default or low, not '" + value + "'");
        }
    }

    /** Whether a job of this class is taken before (or with) one of {@code other}. */
    boolean atLeast(Priority other) {
        return ordinal() <= other.ordinal();
    }
}
