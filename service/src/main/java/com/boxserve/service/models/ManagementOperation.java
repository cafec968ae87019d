package com.boxserve.service.models;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an endpoint that changes what is served (load, reload, unload): the web layer answers it
 * only for the admin token, or, with no tokens set, for callers on this host
 * ({@code boxserve.security.management}). The endpoint says what it is; its URL is its own.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ManagementOperation {
}
