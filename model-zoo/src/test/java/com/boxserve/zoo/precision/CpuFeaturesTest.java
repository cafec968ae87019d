package com.boxserve.zoo.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which CPUs may serve int8, read as /proc/cpuinfo says, and the precisions a setting may name. */
class CpuFeaturesTest {

    private static final String ZEN3 = """
            processor	: 0
            model name	: AMD EPYC 7B13
            flags		: fpu sse2 avx avx2 fma
            
            processor	: 1
            model name	: AMD EPYC 7B13
            flags		: fpu sse2 avx avx2 fma
            """;

    @Test
    void aCpuWithoutVnniIsRefusedInt8NamingWhatItLacks() {
        CpuFeatures zen3 = CpuFeatures.parse(ZEN3);
        assertEquals("AMD EPYC 7B13", zen3.model());
        String why = zen3.missingFor(Precision.INT8).orElseThrow();
        assertTrue(why.contains("VNNI") && why.contains("avx512_vnni") && why.contains("AMD EPYC 7B13"), why);
        assertEquals(Optional.empty(), zen3.missingFor(Precision.FP32));
    }

    @Test
    void anyOfTheByteDotProductsServesInt8() {
        for (String flag : CpuFeatures.INT8_DOT_PRODUCTS) {
            CpuFeatures cpu = CpuFeatures.parse("model name : some CPU\nflags : fpu avx2 " + flag + " fma\n");
            assertEquals(Optional.empty(), cpu.missingFor(Precision.INT8), flag);
        }
    }

    @Test
    void precisionsParseAndBf16IsRefusedWithItsReason() {
        assertEquals(Precision.INT8, Precision.parse(" INT8 "));
        assertEquals(Precision.FP32, Precision.parse("fp32"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Precision.parse("bf16")).getMessage()
                .contains("not offered"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp8")).getMessage()
                .contains("use fp32 or int8"));
    }
}
