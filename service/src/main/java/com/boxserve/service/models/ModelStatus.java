package com.boxserve.service.models;

/**
 * Where a served model is in its life: it reports READY only after its warm-up, and while
 * UNLOADING it finishes the work it has queued but takes no more.
 */
public enum ModelStatus {
    LOADING,
    WARMING,
    READY,
    FAILED,
    UNLOADING
}
