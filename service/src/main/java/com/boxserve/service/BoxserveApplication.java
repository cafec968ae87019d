package com.boxserve.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The detection service: torchvision's detectors over HTTP. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BoxserveApplication {

    public static void main(String[] args) {
        // DJL's engine start-up otherwise calls a cloud metadata address: never from this service
        System.setProperty("ai.djl.offline", "true");
        SpringApplication.run(BoxserveApplication.class, args);
    }
}
