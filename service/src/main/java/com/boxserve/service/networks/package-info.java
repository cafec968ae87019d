/**
 * The network builder: networks described as data, checked as a whole against the input and the limits
 * before any engine work, then trained as a PyTorch loop would train them, with PyTorch's module names
 * and printout. {@link NetworkService} checks and runs a request; {@link NetworkController} is its
 * HTTP face.
 *
 * <p>Dependency rule: this package may import {@code training}, whose engine helpers
 * ({@link com.boxserve.service.training.Engines}), limits
 * ({@link com.boxserve.service.training.TrainingProperties}) and pool
 * ({@link com.boxserve.service.training.TrainingService}) it shares rather than duplicates, and
 * {@code failure}. {@code training} must never import this package back, and this package must not
 * import {@code web}, {@code models} or {@code detection}.
 */
package com.boxserve.service.networks;
