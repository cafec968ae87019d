package com.boxserve.service.networks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A number as a 0-d tensor that libtorch allocates, for arithmetic that autograd differentiates.
 * DJL's {@code array.div(2.0)} (and mul, pow, maximum, minimum of a Number) wraps the number in a
 * tensor over a Java direct buffer and closes it as soon as the op returns; autograd keeps that
 * tensor for the backward, which then reads the buffer after the collector may have freed it. A run
 * turned NaN about once in 10 to 20 that way, and always once a collection fell between forward and
 * backward.
 */
final class Scalars {

    private Scalars() {
    }

    static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }
}
