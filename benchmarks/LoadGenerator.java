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
 * Load against a running service over real HTTP, and its resident memory (single-file program:
 * {@code java benchmarks/LoadGenerator.java URL IMAGE PID REQUESTS_PER_LEVEL SOAK_REQUESTS OUT_PREFIX}).
 *
 * <p>For 1, 2 and 4 concurrent clients: end-to-end latency p50/p99 and throughput, measured here
 * (not by the service's timers), and the service's in-process inference time from its responses.
 * Then a soak of SOAK_REQUESTS requests at 2 clients, reading the service's VmRSS before and every
 * fifth of the way: a leak shows as a slope.
 */
public class LoadGenerator {

    private static final Pattern INFERENCE = Pattern.compile("\"inferenceMs\":([0-9.]+)");

    record Level(int clients, int requests, double seconds, double[] latencyMs, double[] inferenceMs, int failures) {
        double throughput() {
            return requests / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        byte[] image = Files.readAllBytes(Path.of(args[1]));
        long pid = Long.parseLong(args[2]);
        int perLevel = Integer.parseInt(args[3]);
        int soak = Integer.parseInt(args[4]);
        String out = args[5];
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        run(http, url, image, 2, 10); // warm the HTTP path and JIT
        List<Level> levels = new ArrayList<>();
        for (int clients : new int[] {1, 2, 4}) {
            Level level = run(http, url, image, clients, perLevel);
            levels.add(level);
            System.out.printf(Locale.ROOT, "%d clients: p50 %.1f ms, p99 %.1f ms, %.2f req/s, in-process p50 %.1f ms, failures %d%n",
                    clients, pct(level.latencyMs, 50), pct(level.latencyMs, 99), level.throughput(),
                    pct(level.inferenceMs, 50), level.failures);
        }
        List<long[]> rss = new ArrayList<>();
        rss.add(new long[] {0, rssKb(pid)});
        int step = Math.max(1, soak / 5);
        int soakFailures = 0;
        for (int done = 0; done < soak; done += step) {
            soakFailures += run(http, url, image, 2, step).failures;
            rss.add(new long[] {done + step, rssKb(pid)});
            System.out.printf(Locale.ROOT, "after %d requests: RSS %.1f MiB%n", done + step, rss.get(rss.size() - 1)[1] / 1024.0);
        }
        write(out, url, levels, rss, soakFailures);
    }

    static Level run(HttpClient http, URI url, byte[] image, int clients, int requests) throws Exception {
        double[] latency = new double[requests];
        double[] inference = new double[requests];
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
                                .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(image))
                                .build(), HttpResponse.BodyHandlers.ofString());
                        latency[i] = (System.nanoTime() - t0) / 1e6;
                        Matcher m = INFERENCE.matcher(response.body());
                        inference[i] = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
                        if (response.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
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
        return new Level(clients, requests, (System.nanoTime() - started) / 1e9, latency, inference, failures.get());
    }

    static double pct(double[] values, double p) {
        double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
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

    static void write(String out, URI url, List<Level> levels, List<long[]> rss, int soakFailures) throws Exception {
        StringBuilder md = new StringBuilder("# Service benchmark\n\n");
        md.append("Endpoint `").append(url.getPath()).append("`, one PNG per request over real HTTP (loopback), ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores.\n\n");
        md.append("| clients | requests | end-to-end p50 | end-to-end p99 | throughput | in-process forward p50 | p50 ratio | failures |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        StringBuilder json = new StringBuilder("{\"levels\": [");
        for (Level l : levels) {
            double p50 = pct(l.latencyMs, 50);
            double forward = pct(l.inferenceMs, 50);
            md.append(String.format(Locale.ROOT, "| %d | %d | %.1f ms | %.1f ms | %.2f req/s | %.1f ms | %.3f | %d |%n",
                    l.clients, l.requests, p50, pct(l.latencyMs, 99), l.throughput(), forward, p50 / forward, l.failures));
            json.append(String.format(Locale.ROOT, "%s{\"clients\": %d, \"requests\": %d, \"p50Ms\": %.2f, \"p99Ms\": %.2f,"
                    + " \"throughput\": %.3f, \"inferenceP50Ms\": %.2f, \"failures\": %d}", l == levels.get(0) ? "" : ", ",
                    l.clients, l.requests, p50, pct(l.latencyMs, 99), l.throughput(), forward, l.failures));
        }
        md.append("\nThe ratio is end-to-end p50 over the in-process forward p50 (the service's `inferenceMs`: one "
                + "Predictor call, translator included) at the same load.\n\nResident memory (VmRSS) of the service:\n\n");
        md.append("| requests served in the soak | RSS |\n| --- | --- |\n");
        json.append("], \"rssKb\": [");
        for (long[] point : rss) {
            md.append(String.format(Locale.ROOT, "| %d | %.1f MiB |%n", point[0], point[1] / 1024.0));
            json.append(point == rss.get(0) ? "" : ", ").append(String.format("[%d, %d]", point[0], point[1]));
        }
        md.append(String.format(Locale.ROOT, "%nSoak failures: %d.%n", soakFailures));
        json.append(String.format("], \"soakFailures\": %d}%n", soakFailures));
        Files.writeString(Path.of(out + ".md"), md.toString());
        Files.writeString(Path.of(out + ".json"), json.toString());
        System.out.print(md);
    }
}
