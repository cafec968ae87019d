package com.boxserve.service.networks;

import com.boxserve.service.failure.ServiceFailure;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/** Nested JSON lists to flat float32 values of a known shape and back, with messages that name the sample. */
final class Tensors {

    private Tensors() {
    }

    /** The shape of a nested list's first element at every depth: a learner's input shape when none is given. */
    static Shape shapeOf(Object sample) {
        List<Long> sizes = new ArrayList<>();
        Object level = sample;
        while (level instanceof List<?> list && !list.isEmpty()) {
            sizes.add((long) list.size());
            level = list.get(0);
        }
        return sizes.isEmpty() ? new Shape(1) : new Shape(sizes.stream().mapToLong(Long::longValue).toArray());
    }

    /** Every sample flat, one after another; a sample of one value may be a bare number. */
    static float[] flatten(List<Object> samples, Shape shape, String name) {
        int size = Math.toIntExact(shape.size());
        float[] values = new float[Math.multiplyExact(samples.size(), size)];
        for (int i = 0; i < samples.size(); i++) {
            Object sample = samples.get(i);
            String where = name + "[" + i + "]";
            if (size == 1 && sample instanceof Number) {
                values[i] = number(sample, where);
            } else {
                int written = fill(sample, shape, 0, values, i * size, where);
                if (written != size) {
                    throw ServiceFailure.invalid(where + " must have the shape " + shape);
                }
            }
        }
        return values;
    }

    private static int fill(Object value, Shape shape, int depth, float[] into, int at, String where) {
        if (depth == shape.dimension()) {
            into[at] = number(value, where);
            return 1;
        }
        if (!(value instanceof List<?> list) || list.size() != shape.get(depth)) {
            throw ServiceFailure.invalid(where + " must have the shape " + shape + "; dimension " + depth
                    + " has " + (value instanceof List<?> l ? l.size() + " values" : "a number") + " where " + shape.get(depth)
                    + " are needed");
        }
        int written = 0;
        for (Object item : list) {
            written += fill(item, shape, depth + 1, into, at + written, where);
        }
        return written;
    }

    private static float number(Object value, String where) {
        if (!(value instanceof Number number) || !Float.isFinite(number.floatValue())) {
            throw ServiceFailure.invalid(where + " must hold numbers that are finite in float32 (below "
                    + Float.MAX_VALUE + "); found " + value);
        }
        return number.floatValue();
    }

    /** Flat row-major values as nested lists of {@code shape}; a scalar shape gives the bare number. */
    static Object nest(float[] values, int offset, Shape shape) {
        if (shape.dimension() == 0) {
            return values[offset];
        }
        List<Object> list = new ArrayList<>();
        Shape inner = shape.slice(1);
        int step = Math.toIntExact(inner.size());
        for (int i = 0; i < shape.get(0); i++) {
            list.add(nest(values, offset + i * step, inner));
        }
        return list;
    }
}
