// Cross-checks computed-extra.json (from xxh64_ref.py) and ../native/native-vectors.json against
// npm xxhash-wasm 1.1.0, an XXH64 that shares no code with the Python reference or with assay.
//
// Run from a scratch folder:  npm install xxhash-wasm@1.1.0 && node crosscheck_xxhash_wasm.mjs DIR
// where DIR is src/test/resources/vectors. Exits non-zero on any disagreement.
import fs from "fs";
import { createRequire } from "module";

const require = createRequire(process.cwd() + "/");
const xxhash = require("xxhash-wasm");
const { h64Raw } = await xxhash();
const dir = process.argv[2];
const M = (1n << 64n) - 1n;
const hex = (x) => x.toString(16).padStart(16, "0");

function sanityBuffer(n) {
  const b = new Uint8Array(n);
  let gen = 2654435761n;
  for (let i = 0; i < n; i++) {
    b[i] = Number(gen >> 56n);
    gen = (gen * 11400714785074694797n) & M;
  }
  return b;
}

let checks = 0, bad = 0;
const extra = JSON.parse(fs.readFileSync(dir + "/xxh64/computed-extra.json", "utf8"));
for (const r of extra.sanityBufferExtra) {
  checks++;
  const got = hex(h64Raw(sanityBuffer(r.len), BigInt(r.seed)));
  if (got !== r.xxh64) { bad++; console.log("MISMATCH", r, got); }
}
const native = JSON.parse(fs.readFileSync(dir + "/native/native-vectors.json", "utf8"));
for (const r of native.vectors) {
  checks++;
  const got = hex(h64Raw(new TextEncoder().encode(r.salt + ":" + r.unit), 42n));
  if (got !== r.h) { bad++; console.log("MISMATCH", r.salt, r.unit, got, r.h); }
}
console.log(JSON.stringify({ checks, mismatches: bad }));
process.exit(bad === 0 ? 0 : 1);
