package com.boxserve.service.web;

/** A request without the token its path needs (401), or with a token that may not do this (403). */
public class AccessDeniedException extends RuntimeException {

    private final boolean authenticated;

    AccessDeniedException(String message, boolean authenticated) {
        super(message);
        this.authenticated = authenticated;
    }

    /** True when the caller proved who it is but may not do this: 403 rather than 401. */
    public boolean authenticated() {
        return authenticated;
    }
}
