package io.assay.config;

/** One arm (variant) of an experiment and its share of the enrolled traffic. */
public record Arm(String key, double weight) {}
