package com.boxserve.service.networks;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Numbers and tuples as Python prints them, so the module text reads exactly like {@code print(model)}. */
final class PythonRepr {

    private PythonRepr() {
    }

    /** Python's float repr: the shortest digits that round-trip, with an exponent below 1e-4 or from 1e16. */
    static String number(double value) {
        double magnitude = Math.abs(value);
        BigDecimal shortest = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        if (magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e16)) {
            String digits = shortest.unscaledValue().abs().toString();
            int exponent = digits.length() - 1 - shortest.scale();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (value < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                    + String.format("%02d", Math.abs(exponent));
        }
        String plain = shortest.toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }

    static String tuple(int[] values) {
        String items = Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        return "(" + items + (values.length == 1 ? ",)" : ")");
    }

    static String bool(boolean value) {
        return value ? "True" : "False";
    }
}
