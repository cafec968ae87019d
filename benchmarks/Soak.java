import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A soak of a running service: REQUESTS POSTs of one body (an image to detect, or a network to
 * train, as {@code network-soak.sh} sends) at two clients, reading the service's
 * VmRSS before and after every EVERY requests (a leak shows as a slope). One JSON object per
 * line for {@code benchmarks/report.py}. A single-file program, run by {@code bin/benchmark}:
 *
 * <pre>java benchmarks/Soak.java URL IMAGE CONTENT_TYPE REQUESTS EVERY PID</pre>
 *
 * <p>It counts requests, which wrk (a duration) cannot; latency is wrk's job in {@code bin/benchmark}.
 */
public class Soak {

    private static final int CLIENTS = 2;

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        byte[] image = Files.readAllBytes(Path.of(args[1]));
        String contentType = args[2];
        int requests = Integer.parseInt(args[3]);
        int every = Integer.parseInt(args[4]);
        long pid = Long.parseLong(args[5]);
        print(0, rssKb(pid), 0);
        for (int done = 0; done < requests; done += every) {
            int count = Math.min(every, requests - done);
            int failures = run(url, image, contentType, count);
            print(done + count, rssKb(pid), failures);
        }
    }

    /** Sends {@code count} requests over {@link #CLIENTS} clients; answers the number that failed. */
    static int run(URI url, byte[] image, String contentType, int count) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(pool.submit(() -> {
                while (next.getAndIncrement() < count) {
                    if (!detect(url, image, contentType)) {
                        failures.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> client : clients) {
            client.get();
        }
        pool.shutdown();
        return failures.get();
    }

    static boolean detect(URI url, byte[] image, String contentType) {
        try {
            HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
            connection.setDoOutput(true);
            connection.setRequestMethod("POST");
            connection.setRequestProperty("Content-Type", contentType);
            connection.setRequestProperty("Accept", "application/json");
            connection.setFixedLengthStreamingMode(image.length);
            try (OutputStream body = connection.getOutputStream()) {
                body.write(image);
            }
            int status = connection.getResponseCode();
            // read to the end, so that the connection is kept alive for the next request
            try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                in.readAllBytes();
            }
            return status == 200;
        } catch (Exception e) {
            return false;
        }
    }

    static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static void print(int requests, long rssKb, int failures) {
        System.out.printf("{\"kind\": \"rss\", \"point\": \"soak\", \"requests\": %d, \"rssKb\": %d, \"failures\": %d}%n",
                requests, rssKb, failures);
    }
}
