package com.boxserve.service.detection;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A handler method that detects in the model its {@code {name}} path variable names: the door
 * ({@link DetectionAdmission}) admits the request before the method's arguments, body included,
 * are read.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@interface DetectionEndpoint {
}
