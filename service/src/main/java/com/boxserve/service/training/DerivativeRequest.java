package com.boxserve.service.training;

import com.fasterxml.jackson.annotation.JsonFormat;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * An expression in x and the points to evaluate it and its derivative at; a single number is one
 * point, as {@code torch.tensor(1.5, requires_grad=True)} is.
 */
public record DerivativeRequest(
        String expression,
        @NotEmpty(message = "give at least one point x")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<@NotNull(message = "must hold finite numbers") Double> x) {
}
