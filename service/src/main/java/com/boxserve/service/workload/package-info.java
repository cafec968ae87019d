/**
 * Bounded work: {@link WorkerPool} gives each model, and training, a fixed number of places, a queue and
 * its own workers, so that a caller is refused at once when all are taken (or when its deadline cannot
 * be met), before it has done any work, and waits only within its deadline and the queue's time bound,
 * and no longer than its client stays. Work comes in three {@link Priority} classes. Detection and training share this one admission policy instead of
 * each keeping its own.
 *
 * <p>Dependency rule: this package imports only {@link com.boxserve.service.failure}, whose
 * {@link com.boxserve.service.failure.ServiceFailure} every refusal is. It knows nothing of HTTP or Spring
 * web and imports no feature package ({@code detection}, {@code models}, {@code networks},
 * {@code training}) nor {@code web}: the features depend on it, so it cannot depend on them.
 */
package com.boxserve.service.workload;
