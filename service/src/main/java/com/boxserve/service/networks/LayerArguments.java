package com.boxserve.service.networks;

import com.boxserve.service.failure.ServiceFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One layer's arguments as the request gave them, read with the layer's index and kind in every
 * message, so a learner is told which layer of the sequence is wrong and why.
 */
final class LayerArguments {

    private final int index;
    private final LayerKind kind;
    private final Map<String, Object> values;

    LayerArguments(int index, LayerKind kind, Map<String, Object> values) {
        this.index = index;
        this.kind = kind;
        this.values = values;
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(kind.argumentNames());
        unknown.remove("kind");
        if (!unknown.isEmpty()) {
            throw invalid("takes no argument " + unknown + "; its arguments are " + kind.argumentNames());
        }
    }

    int index() {
        return index;
    }

    LayerKind kind() {
        return kind;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    boolean trainable() {
        return flag("trainable", true);
    }

    ServiceFailure invalid(String message) {
        return ServiceFailure.invalid("layer " + index + " (" + kind.id() + "): " + message);
    }

    int positive(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw invalid(name + " is required");
        }
        return atLeast(name, value, 1);
    }

    int positive(String name, int fallback) {
        return values.containsKey(name) ? atLeast(name, values.get(name), 1) : fallback;
    }

    /** An argument PyTorch takes as an int or a tuple: one number for every dimension, or one each. */
    int[] perDimension(String name, int dimensions, int minimum, int[] fallback) {
        Object value = values.get(name);
        if (value == null) {
            if (fallback == null) {
                throw invalid(name + " is required");
            }
            return fallback;
        }
        List<?> list = value instanceof List<?> given ? given : List.of(value);
        if (list.size() != 1 && list.size() != dimensions) {
            throw invalid(name + " takes one number or " + dimensions + ", not " + list.size());
        }
        int[] result = new int[dimensions];
        for (int d = 0; d < dimensions; d++) {
            result[d] = atLeast(name, list.get(list.size() == 1 ? 0 : d), minimum);
        }
        return result;
    }

    double number(String name, double fallback, double lowest, double highest) {
        Object value = values.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number number) || !(number.doubleValue() >= lowest && number.doubleValue() <= highest)) {
            throw invalid(name + " must be a number from " + PythonRepr.number(lowest) + " to " + PythonRepr.number(highest)
                    + ", not " + value);
        }
        return number.doubleValue();
    }

    boolean flag(String name, boolean fallback) {
        Object value = values.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean bool)) {
            throw invalid(name + " must be true or false, not " + value);
        }
        return bool;
    }

    /** One of {@code allowed}, or {@code fallback} when left out. */
    String choice(String name, String fallback, String... allowed) {
        Object value = values.get(name);
        if (value == null) {
            return fallback;
        }
        for (String option : allowed) {
            if (option.equals(value)) {
                return option;
            }
        }
        throw invalid(name + " must be one of " + List.of(allowed) + ", not " + value);
    }

    int integer(String name, int fallback) {
        Object value = values.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Integer integer)) {
            throw invalid(name + " must be a whole number, not " + value);
        }
        return integer;
    }

    /** A list of positive whole numbers, or null when the request leaves it out. */
    List<Integer> sizes(String name) {
        Object value = values.get(name);
        if (value == null) {
            return null;
        }
        List<?> list = value instanceof List<?> given ? given : List.of(value);
        List<Integer> result = new ArrayList<>();
        for (Object item : list) {
            result.add(atLeast(name, item, 1));
        }
        if (result.isEmpty()) {
            throw invalid(name + " must not be empty");
        }
        return result;
    }

    private int atLeast(String name, Object value, int minimum) {
        if (!(value instanceof Integer integer) || integer < minimum) {
            throw invalid(name + " must be a whole number of at least " + minimum + ", not " + value);
        }
        return integer;
    }
}
