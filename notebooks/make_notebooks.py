"""Writes the notebooks in this directory (committed without outputs). Run with Debian's python3:
/usr/bin/python3 notebooks/make_notebooks.py"""
import nbformat as nbf
from pathlib import Path

HERE = Path(__file__).parent

SETUP = '''# Where the outputs are. The report stage (jobs/assay report --date D) writes CSV exports of the
# day's aggregate tables to <output.root>/exports/<date>/ and the reports to .../reports/<date>/.
# Set ASSAY_EXPORTS to that exports directory, or ASSAY_OUT (output root) and ASSAY_DATE.
import os, json, subprocess
from pathlib import Path
import pandas as pd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

out = Path(os.environ.get("ASSAY_OUT", "../data/demo/out"))
date = os.environ.get("ASSAY_DATE")
exports = Path(os.environ["ASSAY_EXPORTS"]) if "ASSAY_EXPORTS" in os.environ else None
if exports is None:
    days = sorted(p.name for p in (out / "exports").iterdir() if p.is_dir()) if (out / "exports").is_dir() else []
    if not days:
        raise SystemExit(f"no exports under {out / 'exports'}: run jobs/demo.sh or jobs/assay report --date D")
    exports = out / "exports" / (date or days[-1])
print("reading", exports.resolve())

def table(name):
    """One exported table as a DataFrame (empty when the stage has not run)."""
    f = exports / f"{name}.csv"
    return pd.read_csv(f) if f.exists() and f.stat().st_size > 0 else pd.DataFrame()
'''

PYSPARK = '''**Reading the same tables from PySpark or Databricks.** Every output is a Delta table under the
output root, so in a Spark notebook (with Delta Lake on the classpath) you skip the CSV exports:

```python
results = spark.read.format("delta").load("<output.root>/metric_results")
results.filter("date = '2026-11-14' AND segment_key = 'all'").toPandas()
```

On Databricks, `spark.read.load("dbfs:/.../metric_results")` (Delta is the default format), or
register them: `CREATE TABLE assay.metric_results USING DELTA LOCATION '.../metric_results'`.
`docs/schema.md` documents every column.'''

SQL = '''# Ad-hoc queries: `jobs/assay sql` runs Spark SQL over the output tables (each registered as a
# view by its name) and prints JSON lines. It starts a local Spark, so it takes a few seconds.
assay = Path(os.environ.get("ASSAY_HOME", "..")) / "jobs" / "assay"
def assay_sql(query):
    if not assay.exists():
        print("jobs/assay not found; set ASSAY_HOME"); return pd.DataFrame()
    args = [str(assay), "sql", query, "--json", "--out", str(out)]
    if "ASSAY_CONF" in os.environ:
        args += ["--conf", os.environ["ASSAY_CONF"]]
    run = subprocess.run(args, capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stderr[-2000:]); return pd.DataFrame()
    return pd.DataFrame([json.loads(l) for l in run.stdout.splitlines() if l.startswith("{")])
'''

def notebook(title, intro, cells):
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbf.v4.new_markdown_cell(f"# {title}\n\n{intro}\n\n{PYSPARK}"), nbf.v4.new_code_cell(SETUP)]
    for kind, text in cells:
        nb.cells.append(nbf.v4.new_markdown_cell(text) if kind == "md" else nbf.v4.new_code_cell(text))
    return nb

overview = notebook(
    "Experiment overview",
    "Every experiment's decision and its metrics as of the report date, with the relative lifts and "
    "their confidence intervals, how the primary metric's effect evolved as units enrolled, and the "
    "distributions behind quantile metrics.",
    [
        ("code", '''decisions = table("experiment_decisions")
decisions[["experiment", "version", "arm", "decision", "enrolled_units", "srm_failed", "reconciliation_failed"]] if len(decisions) else "no decisions yet"'''),
        ("code", '''results = table("metric_results")
overall = results[results.segment_key == "all"] if len(results) else results
cols = ["experiment", "metric", "role", "arm", "estimate_control", "estimate_treatment",
        "relative_effect", "relative_ci_lower", "relative_ci_upper", "p_value", "p_value_adjusted", "error"]
overall[cols] if len(overall) else "no results yet"'''),
        ("md", "## Relative lifts (forest plot)"),
        ("code", '''if len(overall):
    rows = overall.dropna(subset=["relative_effect"]).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(rows) + 1))
    y = range(len(rows))
    lo = rows.relative_effect - rows.relative_ci_lower.fillna(rows.relative_effect)
    hi = rows.relative_ci_upper.fillna(rows.relative_effect) - rows.relative_effect
    ax.errorbar(rows.relative_effect, list(y), xerr=[lo, hi], fmt="o")
    ax.set_yticks(list(y), rows.experiment + " · " + rows.metric + " · " + rows.arm)
    ax.axvline(0, color="grey", linestyle="--")
    ax.set_xlabel("relative lift")
    plt.tight_layout()'''),
        ("md", "## Cumulative effect over time\n\nRows with `segment_key == 'enrolled_through'` hold the result for the units enrolled through each date."),
        ("code", '''series = results[results.segment_key == "enrolled_through"] if len(results) else results
if len(series):
    primaries = series[series.role == "primary"]
    for (exp, metric, arm), g in primaries.groupby(["experiment", "metric", "arm"]):
        g = g.sort_values("segment_value")
        plt.figure(figsize=(7, 2.5))
        plt.plot(pd.to_datetime(g.segment_value), g.relative_effect, marker="o")
        plt.fill_between(pd.to_datetime(g.segment_value), g.relative_ci_lower, g.relative_ci_upper, alpha=0.2)
        plt.axhline(0, color="grey", linestyle="--")
        plt.title(f"{exp}: {metric}, {arm} vs control")
        plt.tight_layout()'''),
        ("md", "## Quantile metrics: the distributions behind them\n\n"
               "A `kind: quantile` metric (such as the median order value) keeps each arm's values in log "
               "buckets (`metric_quantiles`, each within a relative `accuracy` of its `bucket_value`). Their "
               "cumulated counts are each arm's distribution: a treatment that scales every value moves the "
               "whole curve to the right, and the dotted lines are the quantiles `metric_results` compares."),
        ("code", '''buckets = table("metric_quantiles")
if len(buckets):
    whole = buckets[buckets.segment_key == "all"]
    for (exp, metric), g in whole.groupby(["experiment", "metric"]):
        plt.figure(figsize=(7, 3))
        for i, (arm, a) in enumerate(g.groupby("arm")):
            a = a.sort_values("bucket")
            plt.step(a.bucket_value, a["count"].cumsum() / a["count"].sum(), where="post", label=arm, color=f"C{i}")
        est = overall[(overall.experiment == exp) & (overall.metric == metric)]
        for _, r in est.iterrows():
            plt.axvline(r.estimate_control, color="grey", linestyle=":")
            plt.axvline(r.estimate_treatment, color="black", linestyle=":")
        if (g.bucket_value > 0).all():
            plt.xscale("log")
        plt.ylabel("share of values <= x")
        plt.title(f"{exp}: {metric}")
        plt.legend()
        plt.tight_layout()
    display(overall[overall.metric.isin(whole.metric.unique())][["experiment", "metric", "arm", "estimate_control",
            "estimate_treatment", "relative_effect", "relative_ci_lower", "relative_ci_upper", "p_value"]])
else:
    print("no quantile metrics in these outputs")'''),
    ],
)

reconciliation = notebook(
    "Reconciliation drill-down",
    "Did users get what the definitions say? Row accounting per log partition (input = accepted + "
    "duplicates + quarantined), mismatch categories per experiment and day, and an ad-hoc query of "
    "the mismatch sample with `assay sql`.",
    [
        ("code", '''ingest = table("ingest_summary")
if len(ingest):
    ingest["balanced"] = ingest.input_rows == ingest.accepted_rows + ingest.duplicate_rows + ingest.quarantined_rows
    assert ingest.balanced.all(), "row conservation failed"
ingest'''),
        ("code", '''summary = table("reconciliation_summary")
if len(summary):
    exposures = summary[summary.category != "multiple_arms"]
    pivot = exposures.pivot_table(index=["experiment", "version"], columns="category", values="exposures", aggfunc="sum", fill_value=0)
    pivot["match_rate"] = pivot.get("match", 0) / pivot.sum(axis=1)
    display(pivot)
else:
    print("no reconciliation summary yet")'''),
        ("code", '''if len(summary):
    daily = exposures[exposures.category != "match"].pivot_table(index="date", columns="experiment", values="exposures", aggfunc="sum", fill_value=0)
    if len(daily):
        daily.plot(kind="bar", stacked=True, figsize=(9, 3), title="mismatched exposures per log partition")
        plt.tight_layout()'''),
        ("code", SQL),
        ("code", '''assay_sql("SELECT category, count(*) AS sampled, min(ts) AS first, max(ts) AS last "
          "FROM reconciliation_mismatches GROUP BY category ORDER BY sampled DESC")'''),
    ],
)

balance = notebook(
    "Balance by stratum",
    "Sample ratio mismatch overall and per slice (strata, crossed strata, days, logging sources) with "
    "Holm-adjusted p-values, and covariate balance (standardized mean differences).",
    [
        ("code", '''checks = table("balance_checks")
srm = checks[checks.check == "srm"] if len(checks) else checks
srm[["experiment", "slice_type", "slice_key", "slice_value", "n", "p_value", "p_value_adjusted", "flagged", "skipped_reason"]].sort_values("p_value_adjusted") if len(srm) else "no balance checks yet"'''),
        ("code", '''if len(srm):
    strata = srm[srm.slice_type.isin(["stratum", "crossed_stratum"])].copy()
    strata["minus_log10_p"] = -pd.to_numeric(strata.p_value_adjusted).clip(lower=1e-300).apply(__import__("math").log10)
    for exp, g in strata.groupby("experiment"):
        g = g.sort_values("minus_log10_p")
        plt.figure(figsize=(7, 0.3 * len(g) + 1))
        plt.barh(g.slice_key + "=" + g.slice_value, g.minus_log10_p, color=["C3" if f else "C0" for f in g.flagged])
        plt.axvline(3, color="grey", linestyle="--")
        plt.title(f"{exp}: SRM by stratum (-log10 Holm p; dashed: p = 0.001)")
        plt.tight_layout()'''),
        ("code", '''covariates = table("covariate_balance")
covariates[["experiment", "covariate", "covariate_kind", "arm", "smd", "p_value", "flagged"]] if len(covariates) else "no covariate balance yet"'''),
    ],
)

for name, nb in [("experiment_overview", overview), ("reconciliation_drilldown", reconciliation), ("balance_by_stratum", balance)]:
    nbf.write(nb, HERE / f"{name}.ipynb")
    print("wrote", HERE / f"{name}.ipynb")
