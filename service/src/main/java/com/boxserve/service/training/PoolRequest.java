package com.boxserve.service.training;

import com.fasterxml.jackson.annotation.JsonFormat;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Pooling of a 2-D input (or a list of them). {@code kernel} and {@code stride} are one size for
 * both sides or [rows, columns]; a bare number is one size, as {@code nn.MaxPool2d(2)} takes it.
 * The stride defaults to the kernel, as PyTorch's does.
 */
public record PoolRequest(
        @NotNull(message = "is empty: give a 2-D array of numbers, or a list of them") Matrices input,
        String mode,
        @NotEmpty(message = "is required")
        @Size(max = 2, message = "must be one or two positive integers")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<@NotNull @Positive(message = "must be one or two positive integers") Integer> kernel,
        @Size(max = 2, message = "must be one or two positive integers")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<@NotNull @Positive(message = "must be one or two positive integers") Integer> stride) {
}
