/**
 * The models the service serves and their life: {@link DetectorRegistry} holds them by name, each a
 * {@link ServedModel} that is loaded, warmed, reloaded and unloaded off the callers' threads, so that a slow
 * load never holds a request, and that serves through its own {@link com.boxserve.service.workload.WorkerPool}.
 * {@link ModelsController} shows and changes them; {@link ManagementOperation} marks the endpoints that change
 * what is served, so that the web layer can guard them without knowing their URLs.
 *
 * <p>Dependency rule: this package may import {@code workload} and {@code failure} (and the root package's
 * small helpers, such as {@link com.boxserve.service.Sha256}). It must not import {@code web}, which depends
 * on it, nor {@code detection}, which is built on it.
 */
package com.boxserve.service.models;
