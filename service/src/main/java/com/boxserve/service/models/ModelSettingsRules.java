package com.boxserve.service.models;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import com.boxserve.zoo.InferenceEngine;
import com.boxserve.zoo.LoadOptions;
import com.boxserve.zoo.precision.CpuFeatures;
import com.boxserve.zoo.precision.Precision;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The bounds on a model's settings, one set of rules for a {@code PUT} and for the start-up
 * configuration, so that nothing starts on settings either would refuse. Workers are bounded by
 * the cores (on a CPU one forward already uses them all; a GPU gets the same bound, since the
 * host's threads still feed it) and by the memory: each worker running at once holds a forward's
 * activations, {@link #WORKER_PEAK_BYTES} at worst.
 */
final class ModelSettingsRules {

    static final String AUTO = "auto";
    static final int WORKERS_PER_CORE = 2;
    static final int MAX_QUEUE_CAPACITY = 1_000;
    static final int MAX_BATCH_SIZE = 64;
    static final Duration MAX_BATCH_WAIT = Duration.ofSeconds(1);
    static final Duration MAX_DEADLINE = Duration.ofHours(24);
    static final Duration MAX_QUEUE_DELAY = Duration.ofHours(1);
    static final String ADAPTIVE_LIFO = "adaptive-lifo";
    static final String FIFO = "fifo";

    private ModelSettingsRules() {
    }

    /**
     * One more concurrent worker's peak, measured: on `fasterrcnn_resnet50_fpn_v2`, the largest, with
     * a 1333x800 input (the largest the transform makes), two workers' concurrent forwards peaked
     * 0.52-0.74 GB above one worker's on PyTorch and 0.47 GB on ONNX Runtime (VmHWM, 2-core AMD EPYC;
     * {@code benchmarks/worker-memory.sh}).
     */
    static final long WORKER_PEAK_BYTES = 768L << 20;

    static int maxWorkers() {
        return maxWorkers(Runtime.getRuntime().availableProcessors(), physicalMemory());
    }

    /** Two per core, and no more than the memory holds at one forward's peak each (one at least). */
    static int maxWorkers(int cores, long memoryBytes) {
        return Math.max(1, (int) Math.min(WORKERS_PER_CORE * cores, memoryBytes / WORKER_PEAK_BYTES));
    }

    /** The machine's memory, or the container's limit where there is one (the JVM reads the cgroup). */
    private static long physicalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
    }

    /** Each thing wrong with settings whose every field is set, as "field: why"; empty when they are sound. */
    static List<String> violations(ModelsProperties.ModelSettings settings) {
        return violations(settings, CpuFeatures.current());
    }

    /** As {@link #violations(ModelsProperties.ModelSettings)}, on a CPU with these instruction sets. */
    static List<String> violations(ModelsProperties.ModelSettings settings, CpuFeatures cpu) {
        List<String> wrong = new ArrayList<>();
        InferenceEngine engine = null;
        try {
            engine = named(settings.engine()).orElse(null);
        } catch (IllegalArgumentException e) {
            wrong.add("engine: " + e.getMessage().replace("use pytorch or onnxruntime", "use auto, pytorch or onnxruntime"));
        }
        Device device = null;
        try {
            device = LoadOptions.parseDevice(settings.device());
            if (device.isGpu() && device.getDeviceId() >= GpuCount.VALUE) {
                wrong.add("device: " + settings.device() + " is not on this machine, which has "
                        + (GpuCount.VALUE == 0 ? "no GPU" : "GPUs gpu0 to gpu" + (GpuCount.VALUE - 1)));
            }
        } catch (IllegalArgumentException e) {
            wrong.add("device: " + e.getMessage());
        }
        between(wrong, "workers", settings.workers(), 1, maxWorkers(),
                " (" + WORKERS_PER_CORE + " per core on " + Runtime.getRuntime().availableProcessors() + " cores, and "
                        + (WORKER_PEAK_BYTES >> 20) + " MiB of memory each in " + (physicalMemory() >> 20) + " MiB)");
        between(wrong, "queueCapacity", settings.queueCapacity(), 1, MAX_QUEUE_CAPACITY, "");
        between(wrong, "batchSize", settings.batchSize(), 1, MAX_BATCH_SIZE, "");
        if (settings.batchWait().isNegative() || settings.batchWait().compareTo(MAX_BATCH_WAIT) > 0) {
            wrong.add("batchWait: must be 0 to 1s, not " + settings.batchWait());
        }
        within(wrong, "deadline", settings.deadline(), MAX_DEADLINE);
        within(wrong, "maxQueueDelay", settings.maxQueueDelay(), MAX_QUEUE_DELAY);
        if (!ADAPTIVE_LIFO.equalsIgnoreCase(settings.queuePolicy().trim()) && !FIFO.equalsIgnoreCase(settings.queuePolicy().trim())) {
            wrong.add("queuePolicy: must be " + ADAPTIVE_LIFO + " or " + FIFO + ", not " + settings.queuePolicy());
        }
        Optional<InferenceEngine> runs = Optional.ofNullable(engine);
        try {
            Precision precision = Precision.parse(settings.precision());
            precision.refusals(engine, device, cpu).forEach(why -> wrong.add("precision: " + why));
            // auto at a reduced precision means that precision's one engine
            runs = runs.or(precision::engine);
        } catch (IllegalArgumentException e) {
            wrong.add("precision: " + e.getMessage());
        }
        if (runs.isPresent() && runs.get() != InferenceEngine.PYTORCH && settings.batchSize() > 1) {
            wrong.add("batchSize: dynamic batching needs the pytorch engine, not "
                    + runs.get().djlName().toLowerCase(Locale.ROOT));
        }
        return wrong;
    }

    /**
     * The engine sound settings name; empty for {@code auto}, which measures both on the model's
     * first load here, except at a reduced precision, which one engine runs (int8 ONNX Runtime,
     * bf16 PyTorch).
     */
    static Optional<InferenceEngine> engine(ModelsProperties.ModelSettings settings) {
        return named(settings.engine()).or(() -> Precision.parse(settings.precision()).engine());
    }

    private static Optional<InferenceEngine> named(String setting) {
        return AUTO.equalsIgnoreCase(setting.trim()) ? Optional.empty() : Optional.of(InferenceEngine.parse(setting));
    }

    /** An optional duration: unset, or from 1 ms to {@code max}. */
    private static void within(List<String> wrong, String field, Duration value, Duration max) {
        if (value != null && (value.compareTo(Duration.ofMillis(1)) < 0 || value.compareTo(max) > 0)) {
            wrong.add(field + ": must be 1ms to " + max.toString().substring(2).toLowerCase() + ", not " + value);
        }
    }

    private static void between(List<String> wrong, String field, int value, int min, int max, String why) {
        if (value < min || value > max) {
            wrong.add(field + ": must be " + min + " to " + max + why + ", not " + value);
        }
    }

    /** Asked once: DJL reads it from the CUDA runtime, and it does not change while the JVM runs. */
    private static final class GpuCount {
        static final int VALUE = CudaUtils.getGpuCount();
    }
}
