package com.boxserve.zoo.precision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The instruction sets of the CPU that runs the forwards, read from {@code /proc/cpuinfo}, for the
 * one question reduced precision asks: does this CPU run it at speed? int8 needs dot products of
 * bytes (VNNI, or AMX's int8 tiles), bf16 dot products of bfloat16 pairs (AVX-512 BF16, or AMX's
 * bf16 tiles); without them the engines still run such a model, emulated, slower than fp32, which
 * the service refuses to serve.
 *
 * @param model the CPU's model name
 * @param flags its feature flags
 */
public record CpuFeatures(String model, Set<String> flags) {

    static final List<String> INT8_DOT_PRODUCTS = List.of("avx512_vnni", "avx_vnni", "amx_int8");
    static final List<String> BF16_DOT_PRODUCTS = List.of("avx512_bf16", "amx_bf16");

    public CpuFeatures {
        flags = Set.copyOf(flags);
    }

    /** This machine's CPU; no flags where {@code /proc/cpuinfo} cannot be read (not Linux), so reduced precision is refused there. */
    public static CpuFeatures current() {
        return Holder.CURRENT;
    }

    /** The first processor's model name and flags in a {@code /proc/cpuinfo} text. */
    public static CpuFeatures parse(String cpuinfo) {
        String model = "unknown CPU";
        Set<String> flags = Set.of();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("model name") && model.equals("unknown CPU")) {
                model = value;
            } else if (key.equals("flags") && flags.isEmpty()) {
                flags = Set.of(value.split("\\s+"));
            }
        }
        return new CpuFeatures(model, flags);
    }

    /** Why this CPU cannot run {@code precision} at speed, naming the instruction set it lacks; empty when it can. */
    public Optional<String> missingFor(Precision precision) {
        List<String> needed = switch (precision) {
            case FP32 -> List.of();
            case INT8 -> INT8_DOT_PRODUCTS;
            case BF16 -> BF16_DOT_PRODUCTS;
        };
        if (needed.isEmpty() || needed.stream().anyMatch(flags::contains)) {
            return Optional.empty();
        }
        String which = precision == Precision.INT8 ? "VNNI" : "bf16 dot products";
        return Optional.of(precision.label() + " needs " + which + " (one of " + String.join(", ", needed)
                + "), which this CPU (" + model + ") lacks; it would run emulated, slower than fp32");
    }

    private static final class Holder {
        static final CpuFeatures CURRENT = read();

        private static CpuFeatures read() {
            try {
                return parse(Files.readString(Path.of("/proc/cpuinfo")));
            } catch (IOException | RuntimeException e) {
                return new CpuFeatures("unknown CPU (no /proc/cpuinfo)", Set.of());
            }
        }
    }
}
