package com.boxserve.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.stereotype.Component;

/**
 * The process's resident memory, where libtorch's and ONNX Runtime's native allocations show and
 * the JVM's own memory metrics do not: a native leak is a slope in this gauge.
 */
@Component
public class ProcessMemoryMetrics {

    private static final Path STATUS = Path.of("/proc/self/status");

    public ProcessMemoryMetrics(MeterRegistry meters) {
        if (Files.isReadable(STATUS)) {
            Gauge.builder("boxserve.process.resident.memory", ProcessMemoryMetrics::residentBytes)
                    .description("resident set size of the process (VmRSS)")
                    .baseUnit("bytes")
                    .register(meters);
        }
    }

    static double residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // reported as NaN: the gauge has no value rather than a wrong one
        }
        return Double.NaN;
    }
}
