// Check 2 (cross-reading): runs a list of `@auth/drizzle-adapter` calls given by the Rust test, checks each result
// against the value the Rust side expects, and reports every result back.
//
// stdin: `{"calls": [{"method": "getUser", "args": [...], "expect": <value>, "unordered": false}, ...]}`
//   - `method`: an adapter method name; `args`: its arguments;
//   - `expect` (optional): the result the call must return, compared with `assert.deepStrictEqual`;
//   - `unordered` (optional): the result is a list whose order does not matter (sorted before comparing).
//   Values use `lib/db.mjs`'s encoding: a `Date` is `{"$date": epochMillis}`, `undefined` is `{"$undefined": true}`.
// stdout: one JSON line `{"results": [...], "failures": [...]}`; a call that throws reports `{"$error": message}`.
// Exit code 1 if any expectation failed.
import assert from "node:assert/strict"
import { readFileSync } from "node:fs"
import { decode, encode, open } from "./lib/db.mjs"

const { calls } = JSON.parse(readFileSync(0, "utf8"))
const { adapter, close } = await open()

// Sort lists by a key-order independent form (the Rust side's JSON has its keys sorted, Drizzle's rows do not).
const canonical = (v) =>
  Array.isArray(v) ? v.map(canonical)
  : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]))
  : v
const sortKey = (v) => JSON.stringify(canonical(v))
const sorted = (list) => [...list].sort((a, b) => sortKey(a).localeCompare(sortKey(b)))
const results = []
const failures = []
try {
  for (const [i, call] of calls.entries()) {
    let result
    try {
      result = encode(await adapter[call.method](...decode(call.args ?? [])))
    } catch (e) {
      result = { $error: String(e?.cause?.message ?? e?.message ?? e) }
    }
    if (call.unordered && Array.isArray(result)) result = sorted(result)
    results.push(result)
    if ("expect" in call) {
      let expected = call.expect
      if (call.unordered && Array.isArray(expected)) expected = sorted(expected)
      try {
        // Compare decoded values: `Date`s by time value, `null` distinct from `undefined`.
        assert.deepStrictEqual(decode(result), decode(expected))
      } catch (e) {
        failures.push({ call: i, method: call.method, message: e.message })
      }
    }
  }
} finally {
  await close()
}
console.log(JSON.stringify({ results, failures }))
process.exit(failures.length === 0 ? 0 : 1)
