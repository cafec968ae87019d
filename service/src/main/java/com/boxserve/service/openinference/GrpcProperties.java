package com.boxserve.service.openinference;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Open Inference Protocol's gRPC server ({@code boxserve.grpc.*}).
 *
 * @param enabled off, no gRPC port is opened
 * @param port its own port, beside HTTP's (0: any free one, as the tests take)
 */
@ConfigurationProperties("boxserve.grpc")
public record GrpcProperties(@DefaultValue("true") boolean enabled, @DefaultValue("8081") int port) {

    public GrpcProperties {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("boxserve.grpc.port: " + port + " is no port");
        }
    }
}
