package com.boxserve.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
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

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("boxserve.models.directory", TestModels::none);
    }

    @Test
    void managementIsForCallersOnThisHost() throws Exception {
        ServiceHttp external = new ServiceHttp("http://" + externalAddress() + ":" + port);
        ServiceHttp local = new ServiceHttp("http://127.0.0.1:" + port);
        // a forwarding header anyone can send does not make the caller local
        HttpResponse<String> put = external.send("PUT", MODEL, "application/json",
                "{}".getBytes(StandardCharsets.UTF_8), Map.of("X-Forwarded-For", "127.0.0.1"));
        assertEquals(403, put.statusCode(), put.body());
        assertEquals("application/problem+json", put.headers().firstValue("Content-Type").orElse(""));
        assertTrue(put.body().contains("boxserve.security.admin-token") && put.body().contains("management=open"),
                put.body());
        assertEquals(403, external.sendJson("DELETE", MODEL, "{}").statusCode());
        assertEquals(200, external.sendJson("GET", "/v1/models", "{}").statusCode(), "the rest of the API stays open");
        // from this host the request reaches the registry, which has no such export here
        assertEquals(404, local.sendJson("PUT", MODEL, "{}").statusCode());
        assertEquals(404, local.sendJson("DELETE", MODEL, "{}").statusCode());
    }

    @Nested
    @TestPropertySource(properties = "boxserve.security.management=open")
    class Opened {

        @LocalServerPort
        int openPort;

        @Test
        void managementAnswersEveryCaller() throws Exception {
            ServiceHttp external = new ServiceHttp("http://" + externalAddress() + ":" + openPort);
            assertEquals(404, external.sendJson("PUT", MODEL, "{}").statusCode());
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
}
