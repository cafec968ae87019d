package com.boxserve.zoo.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.boxserve.zoo.InferenceEngine;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which CPUs may serve int8 and bf16, read as /proc/cpuinfo says, and the precisions a setting may name. */
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
    void aCpuWithoutBf16DotProductsIsRefusedBf16NamingWhatItLacks() {
        String why = CpuFeatures.parse(ZEN3).missingFor(Precision.BF16).orElseThrow();
        assertTrue(why.startsWith("bf16 needs") && why.contains("avx512_bf16") && why.contains("amx_bf16"), why);
        // VNNI alone (a Cascade Lake) runs int8, not bf16
        CpuFeatures vnniOnly = CpuFeatures.parse("model name : Xeon\nflags : avx2 fma avx512f avx512_vnni\n");
        assertEquals(Optional.empty(), vnniOnly.missingFor(Precision.INT8));
        assertTrue(vnniOnly.missingFor(Precision.BF16).isPresent());
    }

    @Test
    void anyOfTheDotProductsServesItsPrecision() {
        for (String flag : CpuFeatures.INT8_DOT_PRODUCTS) {
            CpuFeatures cpu = CpuFeatures.parse("model name : some CPU\nflags : fpu avx2 " + flag + " fma\n");
            assertEquals(Optional.empty(), cpu.missingFor(Precision.INT8), flag);
        }
        for (String flag : CpuFeatures.BF16_DOT_PRODUCTS) {
            CpuFeatures cpu = CpuFeatures.parse("model name : some CPU\nflags : fpu avx2 " + flag + " fma\n");
            assertEquals(Optional.empty(), cpu.missingFor(Precision.BF16), flag);
        }
    }

    @Test
    void precisionsParseAndEachReducedOneNamesItsEngine() {
        assertEquals(Precision.INT8, Precision.parse(" INT8 "));
        assertEquals(Precision.FP32, Precision.parse("fp32"));
        assertEquals(Precision.BF16, Precision.parse("bfloat16"));
        assertEquals(Optional.of(InferenceEngine.ONNX_RUNTIME), Precision.INT8.engine());
        assertEquals(Optional.of(InferenceEngine.PYTORCH), Precision.BF16.engine());
        assertEquals(Optional.empty(), Precision.FP32.engine());
        CpuFeatures both = CpuFeatures.parse("model name : Zen 4\nflags : avx512_vnni avx512_bf16\n");
        assertEquals(List.of("bf16 runs on pytorch, not onnxruntime", "bf16 runs on the CPU, not gpu(0)"),
                Precision.BF16.refusals(InferenceEngine.ONNX_RUNTIME, Device.gpu(0), both));
        assertEquals(List.of(), Precision.BF16.refusals(InferenceEngine.PYTORCH, Device.cpu(), both));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp8")).getMessage()
                .contains("use fp32, int8 or bf16"));
    }
}
