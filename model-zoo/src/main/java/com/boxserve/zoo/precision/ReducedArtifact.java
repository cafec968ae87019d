package com.boxserve.zoo.precision;

/** A reduced-precision model an export holds beside its fp32 ones, with what it costs in agreement. */
public sealed interface ReducedArtifact permits Int8Artifact, Bf16Artifact {

    /** The model file's name in the model directory. */
    String file();

    /** Its answers against fp32's, measured when it was written. */
    Agreement agreement();

    /** The warning every answer at this precision carries. */
    String warning();
}
