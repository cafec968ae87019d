package com.boxserve.service.detection;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A handler method that detects in the model its {@code {name}} path variable names: the door
 * ({@link DetectionAdmission}) admits the request before the method's arguments, body included,
 * are read. Every protocol's detect route is one, so each goes through the same door, limits and
 * meters.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface DetectionEndpoint {

    /** The protocol, as the meters tag it: {@code v1}, or {@code v2} for the Open Inference Protocol. */
    String api() default "v1";
}
