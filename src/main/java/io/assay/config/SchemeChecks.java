package io.assay.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks that need to know how each hash scheme computes positions (see docs/assignment.md):
 *
 * <ul>
 *   <li>a namespace has one namespace hash: experiments that share a namespace while they run must
 *       compute the namespace position the same way, or their slices do not exclude each other
 *       (decision 0007). Native experiments use XXH64 with the namespace's salt; GrowthBook
 *       experiments (v1 and v2) use GrowthBook's {@code inNamespace}, hash v1 of {@code "__" +
 *       name}.
 *   <li>GrowthBook hashing v1 positions are correlated across seeds of equal length (FNV-1a mixes
 *       the seed in last, and two equal-length tails move the state by nearly the same amount). A
 *       warning names every pair of equal-length v1 seeds that decide one experiment's arms and, at
 *       the same time, its namespace slice or another experiment's arms or slice.
 * </ul>
 */
final class SchemeChecks {
  private SchemeChecks() {}

  static void check(AssayConfig site, List<ExperimentDefinition> experiments, Problems problems) {
    for (int i = 0; i < experiments.size(); i++) {
      for (int j = i + 1; j < experiments.size(); j++) {
        ExperimentDefinition a = experiments.get(i);
        ExperimentDefinition b = experiments.get(j);
        if (!a.key().equals(b.key()) && liveTogether(a, b) && sameNamespace(a, b)) {
          if (growthBook(a.hash()) != growthBook(b.hash())) {
            mixed(site, a, b, problems);
            mixed(site, b, a, problems);
          }
        }
      }
    }
    for (ExperimentDefinition e : experiments) {
      if (e.hash() != HashScheme.GROWTHBOOK_V1) {
        continue;
      }
      e.namespace()
          .filter(ns -> namespaceSeed(ns).length() == e.salt().length())
          .ifPresent(ns -> ownNamespace(e, ns, problems));
      for (ExperimentDefinition f : experiments) {
        if (f.key().equals(e.key()) || !liveTogether(e, f) || exclusive(e, f)) {
          continue;
        }
        List<String> correlated = new ArrayList<>();
        if (f.hash() == HashScheme.GROWTHBOOK_V1 && f.salt().length() == e.salt().length()) {
          correlated.add("the seed of its arms ('" + f.salt() + "')");
        }
        if (growthBook(f.hash())
            && f.namespace().isPresent()
            && namespaceSeed(f.namespace().get()).length() == e.salt().length()) {
          correlated.add(
              "the seed of its namespace slice ('" + namespaceSeed(f.namespace().get()) + "')");
        }
        if (!correlated.isEmpty()) {
          concurrent(e, f, String.join(" and ", correlated), problems);
        }
      }
    }
  }

  /** GrowthBook's namespace seed: {@code inNamespace} hashes {@code "__" + id} with hash v1. */
  static String namespaceSeed(NamespaceRange ns) {
    return "__" + ns.namespace();
  }

  private static boolean growthBook(HashScheme s) {
    return s == HashScheme.GROWTHBOOK_V1 || s == HashScheme.GROWTHBOOK_V2;
  }

  private static boolean liveTogether(ExperimentDefinition a, ExperimentDefinition b) {
    return a.start().isBefore(b.end()) && b.start().isBefore(a.end());
  }

  private static boolean sameNamespace(ExperimentDefinition a, ExperimentDefinition b) {
    return a.namespace().isPresent()
        && b.namespace().isPresent()
        && a.namespace().get().namespace().equals(b.namespace().get().namespace());
  }

  /** Disjoint slices of one namespace under one namespace hash: no unit can be in both. */
  private static boolean exclusive(ExperimentDefinition a, ExperimentDefinition b) {
    return sameNamespace(a, b)
        && growthBook(a.hash()) == growthBook(b.hash())
        && !a.namespace().get().overlaps(b.namespace().get());
  }

  private static String namespaceHash(AssayConfig site, ExperimentDefinition d) {
    NamespaceRange ns = d.namespace().orElseThrow();
    if (growthBook(d.hash())) {
      return "GrowthBook's hash v1 of '" + namespaceSeed(ns) + "'";
    }
    String salt = site.namespace(ns.namespace()).map(Namespace::salt).orElse(ns.namespace());
    return "XXH64 with the namespace salt '" + salt + "'";
  }

  private static void mixed(
      AssayConfig site, ExperimentDefinition d, ExperimentDefinition other, Problems problems) {
    NamespaceRange r = d.namespace().orElseThrow();
    NamespaceRange o = other.namespace().orElseThrow();
    double both = (r.end() - r.start()) * (o.end() - o.start());
    problems.error(
        d.sourceFile(),
        "namespace.name",
        String.format(
            Locale.ROOT,
            "namespace '%s' is shared with %s (hash: %s) while both run, but the two compute the"
                + " namespace position with different hashes (this %s experiment: %s; %s: %s), so"
                + " their slices do not exclude each other: about %.0f%% of all units fall in both"
                + " [%s, %s) and [%s, %s)",
            r.namespace(),
            other.id(),
            other.hash().yaml,
            d.hash().yaml,
            namespaceHash(site, d),
            other.id(),
            namespaceHash(site, other),
            100 * both,
            r.start(),
            r.end(),
            o.start(),
            o.end()),
        "give every experiment of namespace '"
            + r.namespace()
            + "' the same kind of hash (native; or growthbook_v1/growthbook_v2, which share"
            + " GrowthBook's namespace hash), or move one of them to another namespace (decision"
            + " 0007)");
  }

  private static final String V1_FIX =
      "if the online system allows it, give the experiment a GrowthBook seed of another length or"
          + " switch it to hashing v2 (a new version either way); see docs/assignment.md §5";

  private static void ownNamespace(ExperimentDefinition e, NamespaceRange ns, Problems problems) {
    problems.warning(
        e.sourceFile(),
        "salt",
        String.format(
            Locale.ROOT,
            "GrowthBook hashing v1 positions are correlated across seeds of equal length: this"
                + " experiment's seed '%s' and its namespace seed '%s' both have %d characters, so"
                + " the units in its slice [%s, %s) of namespace '%s' are not spread evenly over"
                + " its positions and its arm shares drift from the weights (measured: up to 7.5"
                + " points off a 50/50 split), a sample-ratio mismatch at any real sample size",
            e.salt(),
            namespaceSeed(ns),
            e.salt().length(),
            ns.start(),
            ns.end(),
            ns.namespace()),
        V1_FIX);
  }

  private static void concurrent(
      ExperimentDefinition e, ExperimentDefinition f, String seeds, Problems problems) {
    problems.warning(
        e.sourceFile(),
        "salt",
        String.format(
            Locale.ROOT,
            "GrowthBook hashing v1 positions are correlated across seeds of equal length: this"
                + " experiment's seed '%s' has %d characters, as has %s of %s, which runs at the"
                + " same time and may reach the same units; so this experiment's arms are not"
                + " independent of %s's assignment: they hold different shares of its units, and"
                + " its effect leaks into this experiment's comparison",
            e.salt(),
            e.salt().length(),
            seeds,
            f.id(),
            f.id()),
        V1_FIX);
  }
}
