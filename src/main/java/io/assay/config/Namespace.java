package io.assay.config;

/** A namespace declared in {@code assay.yaml}: a name and the salt of its second hash. */
public record Namespace(String name, String salt) {}
