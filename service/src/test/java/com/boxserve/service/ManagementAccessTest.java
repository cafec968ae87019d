package com.boxserve.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * With no token set, model management answers callers on this host only, judged by the TCP peer;
 * the rest of the API stays open, and {@code boxserve.security.management=open} opens management.
 * Calls from another host are made to this machine's own non-loopback address.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ManagementAccessTest {

    private static final String MODEL = "/v1/models/fcos_resnet50_fpn";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("boxserve.models.directory", TestModels::none);
    }

    @Test
    void managementIsForCallersOnThisHost() throws Exception {
        String external = externalAddress();
        // a forwarding header anyone can send does not make the caller local
        HttpResponse<String> put = send(external, port, "PUT", MODEL, "X-Forwarded-For", "127.0.0.1");
        assertEquals(403, put.statusCode(), put.body());
        assertEquals("application/problem+json", put.headers().firstValue("Content-Type").orElse(""));
        assertTrue(put.body().contains("boxserve.security.admin-token") && put.body().contains("management=open"),
                put.body());
        assertEquals(403, send(external, port, "DELETE", MODEL).statusCode());
        assertEquals(200, send(external, port, "GET", "/v1/models").statusCode(), "the rest of the API stays open");
        // from this host the request reaches the registry, which has no such export here
        assertEquals(404, send("127.0.0.1", port, "PUT", MODEL).statusCode());
        assertEquals(404, send("127.0.0.1", port, "DELETE", MODEL).statusCode());
    }

    @Nested
    @TestPropertySource(properties = "boxserve.security.management=open")
    class Opened {

        @LocalServerPort
        int openPort;

        @Test
        void managementAnswersEveryCaller() throws Exception {
            assertEquals(404, send(externalAddress(), openPort, "PUT", MODEL).statusCode());
        }
    }

    private static String externalAddress() throws Exception {
        InetAddress address = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(network -> {
                    try {
                        return network.isUp() && !network.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                })
                .flatMap(network -> Collections.list(network.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst().orElse(null);
        assumeTrue(address != null, "this machine has no non-loopback IPv4 address to call the service from");
        return address.getHostAddress();
    }

    private static HttpResponse<String> send(String host, int port, String method, String path, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .method(method, HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
