package com.boxserve.service.models;

/** Where a served model is in its life: it reports READY only after its warm-up. */
public enum ModelStatus {
    LOADING,
    WARMING,
    READY,
    FAILED
}
