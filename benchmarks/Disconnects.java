import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The disconnecting clients' level of bin/benchmark: closed-loop feeders that keep the model busy
 * (waiting out a 503's Retry-After), and beside them clients that send a whole detect request and
 * close their socket at once, so that their jobs wait in the queue for clients that have gone.
 * The model's forward counter ({@code boxserve_model_forwards_total}) is read before and, once the
 * queue has drained, after; each feeder finishes the request it has in flight, so every forward
 * beyond the feeders' 200 answers ran for a client that had gone (the target is none).
 *   java benchmarks/Disconnects.java BASE_URL MODEL IMAGE CONTENT_TYPE FEEDERS GONE_PER_SECOND SECONDS
 * Prints one JSON line.
 */
public class Disconnects {

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        String model = args[1];
        byte[] image = Files.readAllBytes(Path.of(args[2]));
        String contentType = args[3];
        int feeders = Integer.parseInt(args[4]);
        double gonePerSecond = Double.parseDouble(args[5]);
        long seconds = Long.parseLong(args[6]);
        URI detect = base.resolve("/v1/models/" + model + "/detect");
        HttpClient client = HttpClient.newHttpClient();

        long before = forwards(client, base, model);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicInteger served = new AtomicInteger();
        AtomicInteger others = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < feeders; i++) {
            Thread feeder = new Thread(() -> feed(client, detect, image, contentType, end, served, others));
            feeder.start();
            threads.add(feeder);
        }
        byte[] head = ("POST " + detect.getRawPath() + " HTTP/1.1\r\nHost: " + detect.getHost() + ":" + detect.getPort()
                + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + image.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        long gapNanos = (long) (1e9 / gonePerSecond);
        int gone = 0;
        for (long next = System.nanoTime(); next < end; next += gapNanos) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            try (Socket socket = new Socket(detect.getHost(), detect.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(head);
                out.write(image);
                out.flush();
            }
            gone++;
        }
        for (Thread thread : threads) {
            thread.join();
        }
        // a gone client's job is withdrawn within the service's 20 ms probe; a few seconds cover
        // a queue of them and a forward in flight
        Thread.sleep(3_000);
        long forwards = forwards(client, base, model) - before;
        System.out.printf(Locale.ROOT, "{\"kind\": \"disconnects\", \"model\": \"%s\", \"feeders\": %d, \"seconds\": %d, "
                + "\"goneClients\": %d, \"served\": %d, \"otherStatuses\": %d, \"forwards\": %d, \"forwardsForGone\": %d}%n",
                model, feeders, seconds, gone, served.get(), others.get(), forwards, forwards - served.get());
    }

    private static void feed(HttpClient client, URI detect, byte[] image, String contentType, long end,
            AtomicInteger served, AtomicInteger others) {
        HttpRequest request = HttpRequest.newBuilder(detect).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build();
        try {
            while (System.nanoTime() < end) {
                HttpResponse<Void> answer = client.send(request, HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    served.incrementAndGet();
                } else if (answer.statusCode() == 503) {
                    Thread.sleep(1000L * answer.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L));
                } else {
                    others.incrementAndGet();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("a feeder failed", e);
        }
    }

    private static long forwards(HttpClient client, URI base, String model) throws Exception {
        String metrics = client.send(HttpRequest.newBuilder(base.resolve("/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher line = Pattern.compile("^boxserve_model_forwards_total\\{[^}]*model=\"" + Pattern.quote(model)
                + "\"[^}]*\\} ([0-9.eE+]+)$", Pattern.MULTILINE).matcher(metrics);
        if (!line.find()) {
            throw new IllegalStateException("no boxserve_model_forwards_total for " + model + " at /actuator/prometheus");
        }
        return (long) Double.parseDouble(line.group(1));
    }
}
