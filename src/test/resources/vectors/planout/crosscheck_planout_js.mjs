// Cross-checks computed.json (from planout_vectors.py) against PlanOut.js's PlanOut-core-compatible
// operators (npm "planout" 5.3.0, MIT, dist/planout_core_compatible.js), a second implementation
// that shares no code with the Python script or with assay.
//
// Run from a scratch folder:  npm install planout@5.3.0 && node crosscheck_planout_js.mjs PATH/computed.json
// Prints the number of vectors and checks compared and exits non-zero on any disagreement.
// Uniform floats are compared as numbers; PlanOut.js divides with BigNumber by 2^60-1 where
// Python divides floats by float(2^60-1) = 2^60, so the last bit may differ and is only counted.
import fs from "fs";
import { createRequire } from "module";

const require = createRequire(process.cwd() + "/");
const { Assignment, Ops } = require("planout/dist/planout_core_compatible.js");
const R = Ops.Random;
const data = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));

let checks = 0, bad = 0, uniformUlpDiffs = 0;
function expect(what, got, want) {
  checks++;
  if (String(got) !== String(want)) {
    bad++;
    console.log("MISMATCH", what, "got", got, "want", want);
  }
}

for (const v of data.vectors) {
  const units = v.units.length === 1 ? v.units[0] : v.units;
  const base = { unit: units };
  if (v.experimentSalt === undefined) base.full_salt = v.fullSalt;
  const a = new Assignment(v.experimentSalt === undefined ? "unused" : v.experimentSalt);
  const salt = v.param === undefined ? "x" : v.param;
  const op = (Cls, args) => {
    a.set(salt, new Cls({ ...base, ...args, salt }));
    return a.get(salt);
  };
  const h = new R.PlanOutOpRandom({ ...base, salt });
  h.mapper = a;
  h.args = { ...base, salt };
  expect(v.hashInput + " hash", h.getHash().toFixed(), String(v.hash));
  const u = op(R.RandomFloat, { min: 0, max: 1 });
  if (u !== Number(v.uniform)) uniformUlpDiffs++;
  for (const [n, idx] of Object.entries(v.uniformChoice)) {
    const choices = [...Array(Number(n)).keys()];
    expect(v.hashInput + " uniformChoice " + n, op(R.UniformChoice, { choices }), idx);
  }
  for (const w of v.weightedChoice) {
    const choices = [...Array(w.weights.length).keys()];
    expect(v.hashInput + " weightedChoice " + w.weights, op(R.WeightedChoice, { choices, weights: w.weights }), w.index);
  }
  for (const [p, x] of Object.entries(v.bernoulliTrial)) {
    expect(v.hashInput + " bernoulliTrial " + p, op(R.BernoulliTrial, { p: Number(p) }), x);
  }
  for (const r of v.randomInteger) {
    expect(v.hashInput + " randomInteger " + r.min + ".." + r.max, op(R.RandomInteger, { min: r.min, max: r.max }), r.value);
  }
}
console.log(JSON.stringify({ vectors: data.vectors.length, checks, mismatches: bad, uniformLastBitDifferences: uniformUlpDiffs }));
process.exit(bad === 0 ? 0 : 1);
