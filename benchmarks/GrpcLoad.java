import static com.boxserve.zoo.bench.ForwardBenchmark.percentile;

import com.boxserve.service.openinference.grpc.GRPCInferenceServiceGrpc;
import com.boxserve.service.openinference.grpc.ModelInferRequest;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC client calling ModelInfer back to back for a while, as wrk does for HTTP at one client,
 * after as long again (up to 10 s) untimed: one JSON line with the end-to-end p50 and p99 it
 * measured (nearest rank, as the report's).
 *   java -cp CLASSPATH benchmarks/GrpcLoad.java HOST:PORT MODEL IMAGE SECONDS
 */
public class GrpcLoad {

    public static void main(String[] args) throws Exception {
        String[] target = args[0].split(":");
        String model = args[1];
        byte[] image = Files.readAllBytes(Path.of(args[2]));
        long seconds = Long.parseLong(args[3]);
        ByteString element = ByteString.copyFrom(ByteBuffer.allocate(4 + image.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(image.length).put(image).array());
        ModelInferRequest request = ModelInferRequest.newBuilder().setModelName(model)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("image").setDatatype("BYTES")
                        .addShape(1))
                .addRawInputContents(element).build();
        ManagedChannel channel = ManagedChannelBuilder.forAddress(target[0], Integer.parseInt(target[1]))
                .usePlaintext().maxInboundMessageSize(64 << 20).build();
        List<Double> millis = new ArrayList<>();
        int failures = 0;
        try {
            var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
            // untimed first, as the HTTP levels follow a warm-up: both ends' gRPC paths are compiled by then
            long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, Math.min(10, seconds / 2)));
            while (System.nanoTime() < warm) {
                stub.withDeadlineAfter(5, TimeUnit.MINUTES).modelInfer(request);
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                long started = System.nanoTime();
                try {
                    stub.withDeadlineAfter(5, TimeUnit.MINUTES).modelInfer(request);
                    millis.add((System.nanoTime() - started) / 1e6);
                } catch (RuntimeException e) {
                    failures++;
                }
            }
        } finally {
            channel.shutdownNow();
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "{\"kind\": \"protocol\", \"protocol\": \"grpc\", \"client\": \"grpc-java\", "
                + "\"model\": \"%s\", \"imageBytes\": %d, \"clients\": 1, \"requests\": %d, \"p50Ms\": %.2f, "
                + "\"p99Ms\": %.2f, \"failures\": %d}%n", model, image.length, millis.size() + failures,
                sorted.length == 0 ? Double.NaN : percentile(sorted, 0.5),
                sorted.length == 0 ? Double.NaN : percentile(sorted, 0.99), failures);
    }
}
