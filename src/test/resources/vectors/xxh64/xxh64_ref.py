#!/usr/bin/env python3
"""A pure-Python XXH64, written from the xxHash specification (Cyan4973/xxHash,
doc/xxhash_spec.md, "XXH64 algorithm description"), independently of assay's Java code.

It is the reference the test vectors in this folder and in ../native were computed with.
It checks itself against published vectors before printing anything (see PUBLISHED below).

Usage:  python3 xxh64_ref.py > computed-extra.json   # self-check, then print the extra vectors
"""
import json
import sys

M = (1 << 64) - 1
PRIME64_1 = 0x9E3779B185EBCA87
PRIME64_2 = 0xC2B2AE3D27D4EB4F
PRIME64_3 = 0x165667B19E3779F9
PRIME64_4 = 0x85EBCA77C2B2AE63
PRIME64_5 = 0x27D4EB2F165667C5


def _rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M


def _round(acc, lane):
    acc = (acc + lane * PRIME64_2) & M
    acc = _rotl(acc, 31)
    return (acc * PRIME64_1) & M


def _merge(acc, val):
    acc ^= _round(0, val)
    return (acc * PRIME64_1 + PRIME64_4) & M


def _u64(b, i):
    return int.from_bytes(b[i:i + 8], "little")


def _u32(b, i):
    return int.from_bytes(b[i:i + 4], "little")


def xxh64(data: bytes, seed: int = 0) -> int:
    """XXH64 of `data` as an unsigned 64-bit integer."""
    seed &= M
    n = len(data)
    p = 0
    if n >= 32:  # step 1-2: four accumulators over 32-byte stripes
        v1 = (seed + PRIME64_1 + PRIME64_2) & M
        v2 = (seed + PRIME64_2) & M
        v3 = seed
        v4 = (seed - PRIME64_1) & M
        while p + 32 <= n:
            v1 = _round(v1, _u64(data, p))
            v2 = _round(v2, _u64(data, p + 8))
            v3 = _round(v3, _u64(data, p + 16))
            v4 = _round(v4, _u64(data, p + 24))
            p += 32
        acc = (_rotl(v1, 1) + _rotl(v2, 7) + _rotl(v3, 12) + _rotl(v4, 18)) & M  # step 3
        for v in (v1, v2, v3, v4):
            acc = _merge(acc, v)
    else:
        acc = (seed + PRIME64_5) & M  # special case: fewer than 32 bytes
    acc = (acc + n) & M  # step 4: add input length
    while p + 8 <= n:  # step 5: consume remaining input
        acc ^= _round(0, _u64(data, p))
        acc = (_rotl(acc, 27) * PRIME64_1 + PRIME64_4) & M
        p += 8
    if p + 4 <= n:
        acc ^= (_u32(data, p) * PRIME64_1) & M
        acc = (_rotl(acc, 23) * PRIME64_2 + PRIME64_3) & M
        p += 4
    while p < n:
        acc ^= (data[p] * PRIME64_5) & M
        acc = (_rotl(acc, 11) * PRIME64_1) & M
        p += 1
    acc ^= acc >> 33  # step 6: final mix (avalanche)
    acc = (acc * PRIME64_2) & M
    acc ^= acc >> 29
    acc = (acc * PRIME64_3) & M
    acc ^= acc >> 32
    return acc


def sanity_buffer(length: int) -> bytes:
    """xxHash's sanity-check buffer (cli/xsum_sanity_check.c, XSUM_fillTestBuffer)."""
    out = bytearray(length)
    gen = 2654435761  # PRIME32
    for i in range(length):
        out[i] = gen >> 56
        gen = (gen * 11400714785074694797) & M  # PRIME64
    return bytes(out)


PRIME32 = 2654435761

# Published vectors this implementation must reproduce before it is trusted.
PUBLISHED = [
    # Cyan4973/xxHash cli/xsum_sanity_check.c, XSUM_XXH64_testdata (len, seed, result)
    ("sanity", 0, 0, 0xEF46DB3751D8E999),
    ("sanity", 0, PRIME32, 0xAC75FDA2929B17EF),
    ("sanity", 1, 0, 0xE934A84ADB052768),
    ("sanity", 1, PRIME32, 0x5014607643A9B4C3),
    ("sanity", 4, 0, 0x9136A0DCA57457EE),
    ("sanity", 14, 0, 0x8282DCC4994E35C8),
    ("sanity", 14, PRIME32, 0xC3BD6BF63DEB6DF0),
    ("sanity", 222, 0, 0xB641AE8CB691C174),
    ("sanity", 222, PRIME32, 0x20CB8AB7AE10C14A),
    # ifduyue/python-xxhash README and tests/test_xxh64.py
    (b"Nobody inspects the spammish repetition", None, 0, 0xFBCEA83C8A378BF1),
    (b"xxhash", None, 0, 0x32DD38952C4BC720),
    (b"xxhash", None, 20141025, 0xB559B98D844E0635),
    (b"a", None, 0, 15154266338359012955),
    (b"a", None, 1, 16051599287423682246),
    (b"a", None, 2**64 - 1, 6972758980737027682),
]


def self_check():
    for data, length, seed, want in PUBLISHED:
        buf = sanity_buffer(length) if data == "sanity" else data
        got = xxh64(buf, seed)
        if got != want:
            sys.exit("xxh64_ref.py disagrees with a published vector: %r len=%r seed=%r got %016x want %016x"
                     % (data, length, seed, got, want))


def spark_xxhash64_string(s: str, seed: int = 42) -> int:
    """Spark's xxhash64(col) of one string column: XXH64 of its UTF-8 bytes, seed 42."""
    return xxh64(s.encode("utf-8"), seed)


def signed(x: int) -> int:
    return x - (1 << 64) if x >= (1 << 63) else x


if __name__ == "__main__":
    self_check()
    # Extra lengths on the sanity buffer, so every length path and stripe count is covered.
    lengths = [2, 3, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 35, 36, 39, 40, 63, 64, 65, 96, 100, 128, 1024, 2367]
    rows = []
    for n in lengths:
        for seed in (0, PRIME32, 42):
            rows.append({"len": n, "seed": seed, "xxh64": "%016x" % xxh64(sanity_buffer(n), seed)})
    # Spark's published xxhash64 examples (seed 42; several columns chain the seed).
    h_abc = spark_xxhash64_string("ABC")
    h_abc_def = xxh64(b"DEF", h_abc)
    h_spark = spark_xxhash64_string("Spark")
    h_arr = xxh64((123).to_bytes(4, "little"), h_spark)
    h_all = xxh64((2).to_bytes(4, "little"), h_arr)
    meta = {
        "what": "XXH64 of prefixes of xxHash's sanity-check buffer at lengths the published table "
                "(len 0, 1, 4, 14, 222) leaves out, so every length path and stripe count is covered",
        "buffer": "byte i = (gen >> 56) & 0xFF with gen = 2654435761 * 11400714785074694797^i mod 2^64 "
                  "(Cyan4973/xxHash cli/xsum_sanity_check.c, XSUM_fillTestBuffer)",
        "computedBy": "xxh64_ref.py in this folder (pure Python, written from the xxHash spec; it first "
                      "reproduces the published vectors in PUBLISHED), no assay code",
        "crossCheckedWith": "crosscheck_xxhash_wasm.mjs: npm xxhash-wasm 1.1.0 (a WebAssembly XXH64) "
                            "agrees on every row",
        "python": sys.version.split()[0],
    }
    body = ",\n".join("  " + json.dumps(r, separators=(",", ":")) for r in rows)
    print('{\n "_meta": %s,\n "spark": %s,\n "sanityBufferExtra": [\n%s\n ]\n}' % (
        json.dumps(meta, indent=2),
        json.dumps({"ABC": signed(h_abc), "ABC,DEF": signed(h_abc_def),
                    "Spark,array(123),2": signed(h_all)}),
        body))
