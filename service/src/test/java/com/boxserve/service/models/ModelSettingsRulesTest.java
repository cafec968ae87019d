package com.boxserve.service.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.zoo.InferenceEngine;
import com.boxserve.zoo.precision.CpuFeatures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelSettingsRulesTest {

    private static final ModelsProperties.ModelSettings SOUND =
            new ModelsProperties.ModelSettings("pytorch", "cpu", 1, 8, 1, Duration.ofMillis(5), null, null, "fifo", "fp32");
    private static final CpuFeatures ZEN3 = CpuFeatures.parse("model name : AMD EPYC 7B13\nflags : fpu avx2 fma\n");
    private static final CpuFeatures ZEN5 = CpuFeatures.parse("model name : AMD EPYC 9B45\nflags : avx2 avx512f avx512_vnni\n");

    @Test
    void soundSettingsPass() {
        assertEquals(List.of(), ModelSettingsRules.violations(SOUND));
        int most = ModelSettingsRules.maxWorkers();
        assertEquals(List.of(), ModelSettingsRules.violations(
                new ModelsProperties.ModelSettings("onnxruntime", "cpu", most, 1000, 1, Duration.ZERO,
                        Duration.ofMillis(300), Duration.ofMillis(500), "adaptive-lifo", "fp32")));
    }

    @Test
    void workersAreBoundedByTheCoresAndByTheMemory() {
        long gib = 1L << 30;
        assertEquals(4, ModelSettingsRules.maxWorkers(2, 24 * gib), "2 cores: two per core");
        assertEquals(32, ModelSettingsRules.maxWorkers(16, 24 * gib), "16 cores: two per core");
        assertEquals(2, ModelSettingsRules.maxWorkers(16, 2 * gib), "a 2 GiB container: 768 MiB a worker");
        assertEquals(1, ModelSettingsRules.maxWorkers(2, gib / 2), "one at least");
    }

    @Test
    void everyBadFieldIsNamed() {
        List<String> wrong = ModelSettingsRules.violations(new ModelsProperties.ModelSettings(
                "tensorflow", "gpu9999", ModelSettingsRules.maxWorkers() + 1, 0, 65, Duration.ofSeconds(2),
                Duration.ZERO, Duration.ofHours(2), "lifo", "fp16"));
        assertEquals(List.of("engine", "device", "workers", "queueCapacity", "batchSize", "batchWait", "deadline",
                "maxQueueDelay", "queuePolicy", "precision"),
                wrong.stream().map(w -> w.substring(0, w.indexOf(':'))).toList(), wrong.toString());
        assertTrue(wrong.get(2).contains("not " + (ModelSettingsRules.maxWorkers() + 1)), wrong.get(2));
        assertEquals(1, ModelSettingsRules.violations(new ModelsProperties.ModelSettings(
                "pytorch", "cpu", 1, 8, 1, Duration.ofMillis(-1), null, null, "fifo", "fp32")).size());
        assertEquals(List.of("batchSize: dynamic batching needs the pytorch engine, not onnxruntime"),
                ModelSettingsRules.violations(new ModelsProperties.ModelSettings(
                        "onnxruntime", "cpu", 1, 8, 4, Duration.ofMillis(5), null, null, "fifo", "fp32")));
    }

    @Test
    void int8NeedsVnniAndOnnxRuntimeOnTheCpu() {
        ModelsProperties.ModelSettings int8 = new ModelsProperties.ModelSettings("auto", "cpu", 1, 8, 1,
                Duration.ofMillis(5), null, null, "fifo", "int8");
        assertEquals(List.of(), ModelSettingsRules.violations(int8, ZEN5));
        assertEquals(Optional.of(InferenceEngine.ONNX_RUNTIME), ModelSettingsRules.engine(int8),
                "auto means ONNX Runtime at int8");
        List<String> onZen3 = ModelSettingsRules.violations(int8, ZEN3);
        assertEquals(1, onZen3.size(), onZen3.toString());
        assertTrue(onZen3.get(0).startsWith("precision: int8 needs VNNI") && onZen3.get(0).contains("AMD EPYC 7B13"),
                onZen3.toString());
        assertEquals(List.of("precision: int8 runs on onnxruntime, not pytorch"), ModelSettingsRules.violations(
                new ModelsProperties.ModelSettings("pytorch", "cpu", 1, 8, 1, Duration.ofMillis(5), null, null, "fifo",
                        "int8"), ZEN5));
        assertTrue(ModelSettingsRules.violations(SOUND, ZEN3).isEmpty(), "fp32 runs everywhere");
        assertEquals(List.of("batchSize: dynamic batching needs the pytorch engine, not onnxruntime"),
                ModelSettingsRules.violations(new ModelsProperties.ModelSettings("auto", "cpu", 1, 8, 4,
                        Duration.ofMillis(5), null, null, "fifo", "int8"), ZEN5), "auto at int8 is ONNX Runtime");
    }

    @Test
    void bf16NeedsBf16DotProductsAndPyTorchOnTheCpu() {
        ModelsProperties.ModelSettings bf16 = new ModelsProperties.ModelSettings("auto", "cpu", 1, 8, 4,
                Duration.ofMillis(5), null, null, "fifo", "bf16");
        CpuFeatures zen4 = CpuFeatures.parse("model name : AMD EPYC\nflags : avx2 avx512f avx512_vnni avx512_bf16\n");
        assertEquals(List.of(), ModelSettingsRules.violations(bf16, zen4), "batching included: PyTorch runs it");
        assertEquals(Optional.of(InferenceEngine.PYTORCH), ModelSettingsRules.engine(bf16), "auto means PyTorch at bf16");
        List<String> onZen5WithoutBf16 = ModelSettingsRules.violations(bf16, ZEN5);
        assertEquals(1, onZen5WithoutBf16.size(), onZen5WithoutBf16.toString());
        assertTrue(onZen5WithoutBf16.get(0).startsWith("precision: bf16 needs bf16 dot products"),
                onZen5WithoutBf16.toString());
        assertEquals(List.of("precision: bf16 runs on pytorch, not onnxruntime"), ModelSettingsRules.violations(
                new ModelsProperties.ModelSettings("onnxruntime", "cpu", 1, 8, 1, Duration.ofMillis(5), null, null,
                        "fifo", "bf16"), zen4));
    }

    @Test
    void startUpConfigurationIsCheckedByTheSameRulesNamingTheProperty() {
        IllegalArgumentException defaults = assertThrows(IllegalArgumentException.class,
                () -> properties(100_000, Map.of()));
        assertTrue(defaults.getMessage().startsWith("boxserve.models: workers: must be 1 to "), defaults.getMessage());
        IllegalArgumentException perModel = assertThrows(IllegalArgumentException.class, () -> properties(1,
                Map.of("fcos_resnet50_fpn", new ModelsProperties.ModelSettings(null, null, null, -1, null, null, null, null,
                        null, null))));
        assertTrue(perModel.getMessage().startsWith("boxserve.models.per-model.fcos_resnet50_fpn: queueCapacity:"),
                perModel.getMessage());
        properties(1, Map.of()); // sound: no failure
    }

    private static ModelsProperties properties(int workers, Map<String, ModelsProperties.ModelSettings> perModel) {
        return new ModelsProperties(Path.of("models"), List.of(), List.of(), "pytorch", "cpu", workers, 8,
                Duration.ofSeconds(60), 2, 0, 1, Duration.ofMillis(5), null, null, "adaptive-lifo", "fp32", Map.of(), perModel, null);
    }
}
