package com.boxserve.service.detection;

import com.boxserve.service.workload.Priority;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * What a request asks of its wait, whatever its protocol: its own deadline (null: the model's
 * default, if any), its class in the queue, and how to tell that its client has gone (null where
 * that cannot be told).
 */
public record RequestTerms(Instant deadline, Priority priority, BooleanSupplier clientGone) {

    public RequestTerms {
        priority = priority == null ? Priority.DEFAULT : priority;
    }

    /** A request that asks nothing: the model's deadline, the default class. */
    public static final RequestTerms NONE = new RequestTerms(null, Priority.DEFAULT, null);
}
