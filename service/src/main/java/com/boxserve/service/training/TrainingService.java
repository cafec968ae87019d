package com.boxserve.service.training;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.boxserve.service.workload.WorkerPool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.springframework.stereotype.Service;

/**
 * Checks training requests and runs them on their own small bounded worker pool, so a queue of
 * long regressions can never take a detection worker; a full pool answers 503. Every request is
 * counted by outcome, refused ones included.
 */
@Service
public class TrainingService {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final TrainingProperties limits;
    private final MeterRegistry meters;
    private final WorkerPool<Runnable, Boolean> pool;

    public TrainingService(TrainingProperties limits, MeterRegistry meters) {
        this.limits = limits;
        this.meters = meters;
        this.pool = new WorkerPool<>("training", limits.workers(), limits.queueCapacity(), () -> new WorkerPool.Runner<>() {
            @Override
            public Boolean run(Runnable job) {
                job.run();
                return true;
            }

            @Override
            public void close() {
                // nothing held between jobs: each job opens and closes its own NDManager
            }
        });
    }

    @PreDestroy
    void stop() {
        pool.close(Duration.ofSeconds(30));
    }

    /** One point of f and f' computed by autograd. */
    public record DerivativePoint(double x, Double value, Double derivative) {
    }

    /** f(x) and df/dx at each point; null where f or f' is not finite there. */
    public record DerivativeResult(String expression, List<DerivativePoint> points) {
    }

    public DerivativeResult derivative(String expression, List<Double> points) {
        return counted("derivative", () -> runDerivative(expression, points));
    }

    private DerivativeResult runDerivative(String expression, List<Double> points) {
        Expression parsed = ExpressionParser.parse(expression, limits.maxExpressionLength());
        if (points.size() > limits.maxSamples()) {
            throw ServiceFailure.invalid(points.size() + " points; the limit is " + limits.maxSamples());
        }
        double[] x = finite(points, "x");
        return run(() -> {
            try (NDManager manager = Engines.newManager()) {
                NDArray input = manager.create(x);
                input.setRequiresGradient(true);
                double[] values = Engines.withGradients(collector -> {
                    NDArray y = parsed.evaluate(input);
                    // f is elementwise, so the gradient of the sum holds each point's own derivative
                    collector.backward(y.sum());
                    return y.toDoubleArray();
                });
                double[] derivatives = input.getGradient().toDoubleArray();
                List<DerivativePoint> result = new ArrayList<>();
                for (int i = 0; i < x.length; i++) {
                    result.add(new DerivativePoint(x[i], orNull(values[i]), orNull(derivatives[i])));
                }
                return new DerivativeResult(expression, result);
            }
        });
    }

    public LinearRegressionResult linearRegression(LinearRegressionRequest request) {
        return counted("linear-regression", () -> runLinearRegression(request));
    }

    private LinearRegressionResult runLinearRegression(LinearRegressionRequest request) {
        double[][] x = rows(request.x());
        if (request.y() == null || request.y().size() != x.length) {
            throw ServiceFailure.invalid("x has " + x.length + " samples but y has "
                    + (request.y() == null ? 0 : request.y().size()));
        }
        double[] y = finite(request.y(), "y");
        double learningRate = request.learningRate() == null ? 0.01 : request.learningRate();
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw ServiceFailure.invalid("learningRate must be a positive number, not " + request.learningRate());
        }
        int epochs = request.epochs() == null ? 1000 : request.epochs();
        if (epochs < 1 || epochs > limits.maxEpochs()) {
            throw ServiceFailure.invalid("epochs must be between 1 and " + limits.maxEpochs() + ", not " + epochs);
        }
        LinearRegressionTrainer.Method method = method(request.method());
        int features = x[0].length;
        double[] weights;
        double bias;
        if (request.weights() != null) {
            if (request.weights().size() != features) {
                throw ServiceFailure.invalid(features + " features need " + features + " starting weights, not "
                        + request.weights().size());
            }
            weights = finite(request.weights(), "weights");
            bias = request.bias() == null ? 0 : finite(List.of(request.bias()), "bias")[0];
        } else {
            Random random = new Random(request.seed() == null ? 0 : request.seed());
            weights = new double[features];
            for (int i = 0; i < features; i++) {
                weights[i] = random.nextDouble() * 2 - 1;
            }
            bias = random.nextDouble() * 2 - 1;
        }
        return run(() -> LinearRegressionTrainer.train(x, y, learningRate, epochs, method, weights,
                bias, limits.lossCurvePoints()));
    }

    /** Max or min pooling of each 2-D input. */
    public record PoolResult(String mode, List<Integer> kernel, List<Integer> stride, double[][][] output) {
    }

    public PoolResult pool(PoolRequest request) {
        return counted("pool", () -> runPool(request));
    }

    private PoolResult runPool(PoolRequest request) {
        Matrices input = request.input();
        if (input.size() > limits.maxSamples()) {
            throw ServiceFailure.invalid(input.size() + " values; the limit is " + limits.maxSamples());
        }
        double[][][] batch = input.values();
        Pooling.Mode pooling = switch (request.mode() == null ? "max" : request.mode().toLowerCase()) {
            case "max" -> Pooling.Mode.MAX;
            case "min" -> Pooling.Mode.MIN;
            default -> throw ServiceFailure.invalid("mode must be max or min, not " + request.mode());
        };
        int[] k = pair(request.kernel());
        int[] s = request.stride() == null || request.stride().isEmpty() ? k : pair(request.stride());
        int rows = input.rows();
        int columns = input.columns();
        if (k[0] > rows || k[1] > columns) {
            throw ServiceFailure.invalid("a " + k[0] + "x" + k[1] + " kernel does not fit a " + rows + "x" + columns
                    + " input");
        }
        double[][][] output = run(() -> Pooling.pool(batch, pooling, k[0], k[1], s[0], s[1]));
        return new PoolResult(pooling.name().toLowerCase(), List.of(k[0], k[1]), List.of(s[0], s[1]), output);
    }

    /**
     * A request of another training feature (the network builder): {@code check} runs on the
     * caller's thread and gives the work, which runs on this pool, counted and timed under
     * {@code kind} like every training request.
     */
    public <T> T submit(String kind, Supplier<Supplier<T>> check) {
        return counted(kind, () -> run(check.get()));
    }

    /** Counts and times one request by outcome, whether it was refused, ran, or failed. */
    private <T> T counted(String kind, Supplier<T> request) {
        long started = System.nanoTime();
        String outcome = FailureKind.ERROR;
        try {
            T result = request.get();
            outcome = "success";
            return result;
        } catch (RuntimeException e) {
            outcome = FailureKind.outcomeOf(e);
            throw e;
        } finally {
            Counter.builder("boxserve.training.requests").description("training API requests by outcome")
                    .tags("kind", kind, "outcome", outcome).register(meters).increment();
            Timer.builder("boxserve.training.duration").description("training API request time, queue included")
                    .tags("kind", kind).publishPercentileHistogram().register(meters)
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /** The job runs on the pool and leaves its answer here, so that the pool need not know its type. */
    private <T> T run(Supplier<T> job) {
        AtomicReference<T> answer = new AtomicReference<>();
        pool.call(() -> answer.set(job.get()), Instant.now().plus(TIMEOUT));
        return answer.get();
    }

    private static LinearRegressionTrainer.Method method(String method) {
        return switch (method == null ? "autograd" : method.toLowerCase()) {
            case "autograd" -> LinearRegressionTrainer.Method.AUTOGRAD;
            case "manual" -> LinearRegressionTrainer.Method.MANUAL;
            default -> throw ServiceFailure.invalid("method must be autograd or manual, not " + method);
        };
    }

    /** x as rows, each of the same number of features. */
    private double[][] rows(List<FeatureRow> x) {
        if (x.size() > limits.maxSamples()) {
            throw ServiceFailure.invalid(x.size() + " samples; the limit is " + limits.maxSamples());
        }
        double[][] rows = new double[x.size()][];
        for (int i = 0; i < x.size(); i++) {
            rows[i] = x.get(i).values();
            if (rows[i].length == 0 || rows[i].length != rows[0].length) {
                throw ServiceFailure.invalid("every row of x needs the same number of features (row " + i + " has "
                        + rows[i].length + ", row 0 has " + rows[0].length + ")");
            }
        }
        if (rows[0].length > limits.maxFeatures()) {
            throw ServiceFailure.invalid(rows[0].length + " features; the limit is " + limits.maxFeatures());
        }
        return rows;
    }

    /** One size for both sides, or [rows, columns]; the request record has checked there are one or two, positive. */
    private static int[] pair(List<Integer> value) {
        return value.size() == 1 ? new int[] {value.get(0), value.get(0)} : new int[] {value.get(0), value.get(1)};
    }

    private static double[] finite(List<Double> values, String name) {
        double[] result = new double[values.size()];
        for (int i = 0; i < result.length; i++) {
            if (!Double.isFinite(values.get(i))) {
                throw ServiceFailure.invalid(name + " must hold finite numbers; found " + values.get(i));
            }
            result[i] = values.get(i);
        }
        return result;
    }

    private static Double orNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
