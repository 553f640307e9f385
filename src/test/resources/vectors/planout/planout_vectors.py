#!/usr/bin/env python3
"""Computes PlanOut conformance vectors for assay's PlanOutHash, independently of assay's Java code.

The functions below re-implement PlanOut's Python random operators verbatim from
facebook/planout python/planout/ops/random.py (commit 3ffa3bb7c889e0eaf37558cb076ba9e795aff1fc):
only the PlanOutOpRandom plumbing (self.args, self.mapper) is replaced by plain arguments.
Nothing here calls or reads assay's code.

Before it prints anything, the script reproduces every published expectation in published.json
(PlanOut's own unit tests, shared by PlanOut.js and PlanOut4J); it exits non-zero if one fails.

Usage:  python3 planout_vectors.py > computed.json
"""
import hashlib
import json
import os
import sys

LONG_SCALE = float(0xFFFFFFFFFFFFFFF)  # PlanOutOpRandom.LONG_SCALE
SALT_SEP = '.'  # Assignment.salt_sep, "separates unit from experiment/variable salt"


# --- PlanOutOpRandom, verbatim up to argument plumbing --------------------------------------------
def get_hash(experiment_salt, salt, unit, full_salt=None, appended_unit=None):
    if type(unit) is not list:
        unit = [unit]
    if appended_unit is not None:
        unit = unit + [appended_unit]
    if full_salt is not None:
        full_salt = full_salt + '.'
    else:
        full_salt = '%s.%s%s' % (experiment_salt, salt, SALT_SEP)
    unit_str = '.'.join(map(str, unit))
    hash_str = '%s%s' % (full_salt, unit_str)
    if not isinstance(hash_str, bytes):
        hash_str = hash_str.encode("ascii")
    return int(hashlib.sha1(hash_str).hexdigest()[:15], 16)


def get_uniform(experiment_salt, salt, unit, min_val=0.0, max_val=1.0, full_salt=None):
    zero_to_one = get_hash(experiment_salt, salt, unit, full_salt) / LONG_SCALE
    return min_val + (max_val - min_val) * zero_to_one


# --- the operators -----------------------------------------------------------------------------
def random_float(es, salt, unit, min_val, max_val, full_salt=None):
    return get_uniform(es, salt, unit, min_val, max_val, full_salt)


def random_integer(es, salt, unit, min_val, max_val, full_salt=None):
    return min_val + get_hash(es, salt, unit, full_salt) % (max_val - min_val + 1)


def bernoulli_trial(es, salt, unit, p, full_salt=None):
    rand_val = get_uniform(es, salt, unit, 0.0, 1.0, full_salt)
    return 1 if rand_val <= p else 0


def uniform_choice(es, salt, unit, choices, full_salt=None):
    if len(choices) == 0:
        return []
    rand_index = get_hash(es, salt, unit, full_salt) % len(choices)
    return choices[rand_index]


def weighted_choice(es, salt, unit, choices, weights, full_salt=None):
    if len(choices) == 0:
        return []
    cum_weights = dict(enumerate(weights))
    cum_sum = 0.0
    for index in cum_weights:
        cum_sum += cum_weights[index]
        cum_weights[index] = cum_sum
    stop_value = get_uniform(es, salt, unit, 0.0, cum_sum, full_salt)
    for index in cum_weights:
        if stop_value <= cum_weights[index]:
            return choices[index]


# --- self-check against the published expectations ------------------------------------------
def check_published(path):
    with open(path) as f:
        published = json.load(f)
    for case in published["cases"]:
        es, param, unit = case["experimentSalt"], case["param"], case["unit"]
        op = case["op"]
        if op == "uniformChoice":
            got = uniform_choice(es, param, unit, case["choices"])
        elif op == "bernoulliTrial":
            got = bernoulli_trial(es, param, unit, case["p"])
        else:
            sys.exit("unknown op " + op)
        if got != case["expected"]:
            sys.exit("published case %r: got %r" % (case["name"], got))


# --- the computed grid ------------------------------------------------------------------------
EXPERIMENT_SALTS = ["test_salt", "exp1", "checkout_button_v2", "Homepage Hero"]
PARAMS = ["foo", "arm", "button_color"]
UNITS = [4, "4", 42, 123454, "user-1", "u_000017", "a0b1c2d3-e4f5-6789-abcd-ef0123456789",
         "", ["user-9", "device-3"], [17, "DE"]]
CHOICE_COUNTS = [2, 3, 4, 5, 8, 10]
WEIGHTS = [[0.5, 0.5], [0.1, 0.9], [1, 2], [0.2, 0.3, 0.5], [0, 1, 0], [0.25, 0.25, 0.25, 0.25],
           [0.4, 0.3, 0.2, 0.1], [3, 1]]
BERNOULLI_P = [0.0, 0.1, 0.5, 0.8, 1.0]
INT_RANGES = [[0, 1], [0, 9], [1, 100], [5, 7]]
FULL_SALTS = ["fs", "fs2", "some long value", "layer1.arm"]


def vector(es, param, unit, full_salt=None):
    units = unit if type(unit) is list else [unit]
    h = get_hash(es, param, unit, full_salt)
    row = {
        "fullSalt": full_salt if full_salt is not None else "%s.%s" % (es, param),
        "units": [str(u) for u in units],
        "hashInput": (full_salt if full_salt is not None else "%s.%s" % (es, param))
        + "." + ".".join(map(str, units)),
        # A decimal string: the value needs 60 bits, more than a JSON reader's double keeps.
        "hash": str(h),
        "hashHex": "%015x" % h,
        # repr() is the shortest string that reads back as the same double.
        "uniform": repr(get_uniform(es, param, unit, 0.0, 1.0, full_salt)),
        "randomFloat_-5_15": repr(random_float(es, param, unit, -5.0, 15.0, full_salt)),
        "uniformChoice": {str(n): uniform_choice(es, param, unit, list(range(n)), full_salt)
                          for n in CHOICE_COUNTS},
        "weightedChoice": [{"weights": w,
                            "index": weighted_choice(es, param, unit, list(range(len(w))), w, full_salt)}
                           for w in WEIGHTS],
        "bernoulliTrial": {repr(p): bernoulli_trial(es, param, unit, p, full_salt) for p in BERNOULLI_P},
        "randomInteger": [{"min": a, "max": b,
                           "value": random_integer(es, param, unit, a, b, full_salt)}
                          for a, b in INT_RANGES],
    }
    if full_salt is None:
        row["experimentSalt"] = es
        row["param"] = param
    return row


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    check_published(os.path.join(here, "published.json"))
    rows = [vector(es, p, u) for es in EXPERIMENT_SALTS for p in PARAMS for u in UNITS]
    rows += [vector(None, None, u, fs) for fs in FULL_SALTS for u in UNITS]
    out = {
        "_meta": {
            "what": "PlanOut random-operator outputs for a grid of salts and units",
            "computedBy": "planout_vectors.py in this folder: PlanOut's Python ops re-implemented "
                          "verbatim from facebook/planout python/planout/ops/random.py (commit "
                          "3ffa3bb7c889e0eaf37558cb076ba9e795aff1fc) with Python's hashlib; no assay code",
            "python": sys.version.split()[0],
            "selfCheck": "the script first reproduces every case of published.json",
            "crossCheck": "crosscheck_planout_js.mjs recomputes hash, uniformChoice, weightedChoice, "
                          "bernoulliTrial and randomInteger with PlanOut.js 5.3.0's PlanOut-core-"
                          "compatible operators (npm 'planout', dist/planout_core_compatible.js)",
            "fields": {
                "hashInput": "the exact string SHA-1 is computed over: fullSalt + '.' + units joined by '.'",
                "hash": "int(sha1(hashInput).hexdigest()[:15], 16), as a decimal string",
                "hashHex": "the same 60-bit value as 15 hex digits (the first 15 of the SHA-1 hex digest)",
                "uniform": "getUniform(0.0, 1.0) = hash / float(0xFFFFFFFFFFFFFFF), as Python repr",
                "randomFloat_-5_15": "RandomFloat(min=-5.0, max=15.0) = min + (max - min) * uniform",
                "uniformChoice": "n -> index chosen by UniformChoice(choices=range(n)) = hash % n",
                "weightedChoice": "index chosen by WeightedChoice(choices=range(len(w)), weights=w)",
                "bernoulliTrial": "p -> BernoulliTrial(p) = 1 if uniform <= p else 0",
                "randomInteger": "RandomInteger(min, max) = min + hash % (max - min + 1)",
            },
        },
        "vectors": rows,
    }
    # One vector per line keeps the file small and its diffs readable.
    body = ",\n".join("  " + json.dumps(r, separators=(",", ":")) for r in rows)
    print('{\n "_meta": %s,\n "vectors": [\n%s\n ]\n}' % (json.dumps(out["_meta"], indent=2), body))


if __name__ == "__main__":
    main()
