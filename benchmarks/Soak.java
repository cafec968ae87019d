import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load against a running service over real HTTP; one JSON object per line on stdout for
 * {@code benchmarks/report.py}. A single-file program, run by {@code bin/benchmark}:
 *
 * <pre>
 * java benchmarks/LoadGenerator.java levels URL IMAGE CONTENT_TYPE REQUESTS CLIENTS[,CLIENTS...]
 * java benchmarks/LoadGenerator.java soak   URL IMAGE CONTENT_TYPE REQUESTS EVERY PID
 * </pre>
 *
 * <p>{@code levels}: for each number of concurrent clients, end-to-end latency p50/p99 and
 * throughput measured here (not by the service's timers), with the service's own in-process
 * inference time read from its responses beside them. {@code soak}: REQUESTS requests at two
 * clients, reading the service's VmRSS every EVERY requests: a leak shows as a slope.
 */
public class LoadGenerator {

    private static final Pattern INFERENCE = Pattern.compile("\"inferenceMs\":([0-9.]+)");
    private static final Pattern DECODE = Pattern.compile("\"decodeMs\":([0-9.]+)");

    record Level(int clients, int requests, double seconds, double[] latencyMs, double[] inferenceMs,
            double[] decodeMs, int failures) {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        URI url = URI.create(args[1]);
        byte[] image = Files.readAllBytes(Path.of(args[2]));
        String contentType = args[3];
        int requests = Integer.parseInt(args[4]);
        // HTTP/1.1 as curl and most clients speak it to a plain-http service (no h2c upgrade attempt)
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Load load = new Load(http, url, image, contentType);
        load.run(2, 10); // the HTTP path and the JIT warm
        if (mode.equals("levels")) {
            for (String clients : args[5].split(",")) {
                Level level = load.run(Integer.parseInt(clients), requests);
                print("kind", "http", "model", model(url), "contentType", contentType,
                        "imageBytes", image.length, "clients", level.clients, "requests", level.requests,
                        "p50Ms", pct(level.latencyMs, 50), "p99Ms", pct(level.latencyMs, 99),
                        "throughput", level.requests / level.seconds, "serviceInferenceP50Ms", pct(level.inferenceMs, 50),
                        "serviceDecodeP50Ms", pct(level.decodeMs, 50), "failures", level.failures);
            }
        } else {
            int every = Integer.parseInt(args[5]);
            long pid = Long.parseLong(args[6]);
            print("kind", "rss", "point", "soak", "requests", 0, "rssKb", rssKb(pid), "failures", 0);
            for (int done = 0; done < requests; done += every) {
                Level level = load.run(2, Math.min(every, requests - done));
                print("kind", "rss", "point", "soak", "requests", done + level.requests, "rssKb", rssKb(pid),
                        "failures", level.failures);
            }
        }
    }

    /** Requests of one image, spread over a number of concurrent clients. */
    record Load(HttpClient http, URI url, byte[] image, String contentType) {

        Level run(int clients, int requests) throws Exception {
            double[] latency = new double[requests];
            double[] inference = new double[requests];
            double[] decode = new double[requests];
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long started = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url)
                                    .header("Content-Type", contentType)
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            latency[i] = (System.nanoTime() - t0) / 1e6;
                            inference[i] = number(INFERENCE, response.body());
                            decode[i] = number(DECODE, response.body());
                            if (response.statusCode() != 200) {
                                failures.incrementAndGet();
                            }
                        } catch (Exception e) {
                            latency[i] = Double.NaN;
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            pool.shutdown();
            return new Level(clients, requests, (System.nanoTime() - started) / 1e9, latency, inference, decode,
                    failures.get());
        }
    }

    static double number(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    static String model(URI url) {
        String[] parts = url.getPath().split("/");
        return parts[parts.length - 2];
    }

    /** Nearest-rank percentile, NaN (a failed request) left out. */
    static double pct(double[] values, double p) {
        double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** One flat JSON object from name, value pairs: numbers to two decimals, NaN as null. */
    static void print(Object... pairs) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            json.append(i > 0 ? ", " : "").append('"').append(pairs[i]).append("\": ");
            Object value = pairs[i + 1];
            if (value instanceof String text) {
                json.append('"').append(text).append('"');
            } else if (value instanceof Double number) {
                json.append(number.isNaN() ? "null" : String.format(Locale.ROOT, "%.2f", number));
            } else {
                json.append(value);
            }
        }
        System.out.println(json.append('}'));
    }
}
