#!/usr/bin/env python3
"""Computes test vectors for assay's native assignment scheme (assay-xxh64-v1), independently of
assay's Java code, from the definition in docs/assignment.md:

    h        = XXH64(UTF-8 bytes of salt + ":" + unit_id, seed = 42)   (unsigned here; Java and
                                                                        Spark hold it as a signed long)
    position = (h >> 11) * 2**-53                                     (a double in [0, 1))
    arm i owns [c_i, c_i + t * w_i), c_i = w_0 + ... + w_{i-1} summed left to right in doubles

XXH64 is ../xxh64/xxh64_ref.py, a pure-Python implementation written from the xxHash spec that
checks itself against published vectors (xxHash's sanity table, python-xxhash, Spark's docs).

Usage:  python3 native_vectors.py > native-vectors.json
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "xxh64"))
import xxh64_ref  # noqa: E402

SEED = 42


def h64(salt: str, unit: str) -> int:
    return xxh64_ref.xxh64((salt + ":" + unit).encode("utf-8"), SEED)


def position(salt: str, unit: str) -> float:
    return (h64(salt, unit) >> 11) * 2.0 ** -53  # exact: an integer below 2**53 times a power of two


def ranges(weights, traffic):
    out, cumulative = [], 0.0
    for w in weights:
        start = cumulative
        cumulative += w
        out.append((start, start + traffic * w))
    return out


def arm(p, weights, traffic):
    for i, (a, b) in enumerate(ranges(weights, traffic)):
        if a <= p < b:
            return i
    return -1


SALTS = ["checkout_button", "exp-2024-07-hero", "s", "pricing_page_layout_test_with_a_rather_long_salt"]
UNITS = ["user-1", "user-2", "42", "u_000017", "a0b1c2d3-e4f5-6789-abcd-ef0123456789", "Zoë", "用户42",
         "\U0001F642", "x" * 40]
ALLOCATIONS = [([0.5, 0.5], 1.0), ([0.5, 0.5], 0.1), ([0.2, 0.3, 0.5], 1.0), ([0.2, 0.3, 0.5], 0.5),
               ([0.1, 0.9], 0.05), ([0.25, 0.25, 0.25, 0.25], 0.2)]


def main():
    xxh64_ref.self_check()
    rows = []
    for s in SALTS:
        for u in UNITS:
            h = h64(s, u)
            p = position(s, u)
            rows.append({
                "salt": s,
                "unit": u,
                "bytes": len((s + ":" + u).encode("utf-8")),
                "h": "%016x" % h,
                "hSigned": xxh64_ref.signed(h),
                "position": repr(p),
                "arms": [{"weights": w, "traffic": t, "arm": arm(p, w, t)} for w, t in ALLOCATIONS],
            })
    meta = {
        "what": "assay native scheme (assay-xxh64-v1): salt, unit -> XXH64 h, position, arm",
        "computedBy": "native_vectors.py in this folder with ../xxh64/xxh64_ref.py (pure Python, from the "
                      "xxHash spec); no assay code",
        "python": sys.version.split()[0],
        "fields": {
            "h": "XXH64(UTF-8 of salt + ':' + unit, seed 42), 16 hex digits",
            "hSigned": "the same 64 bits as a signed long (what Java and Spark's xxhash64 return)",
            "position": "(h >> 11) * 2^-53 as Python repr (reads back as the same double)",
            "arms": "index of the arm whose range [c_i, c_i + traffic * w_i) holds position, or -1",
        },
    }
    body = ",\n".join("  " + json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows)
    print('{\n "_meta": %s,\n "vectors": [\n%s\n ]\n}' % (json.dumps(meta, indent=2), body))


if __name__ == "__main__":
    main()
