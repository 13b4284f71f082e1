// Runs a list of `@auth/prisma-adapter` calls (on Prisma Client 7, see lib/prisma.mts) given by the Rust test
// (tests/tests/prisma.rs), checks each result against the value the Rust side expects, and reports every result.
// The protocol of ../interop/rpc.mjs, whose value encoding it reuses (`{"$date": epochMillis}` for a `Date`):
//
// stdin: `{"calls": [{"method": "getUser", "args": [...], "expect": <value>}, ...]}`
//   - `method`: an adapter method name, or `$raw` (args: `[sql]`, run with `prisma.$queryRawUnsafe`);
//   - `expect` (optional): the Auth.js fields the result must have. Prisma's rows also carry `createdAt` and
//     `updatedAt`, which are compared only when `expect` names them; lists are compared in order.
// stdout: one JSON line `{"results": [...], "failures": [...]}`; a call that throws reports `{"$error": message}`.
// Exit code 1 if any expectation failed.
import assert from "node:assert/strict"
import { readFileSync } from "node:fs"
import { decode, encode } from "../interop/lib/db.mjs"
import { open } from "./lib/prisma.mts"

/** `value` with only the keys `shape` has, at every level. */
const project = (value, shape) =>
  Array.isArray(value) && Array.isArray(shape) ? value.map((v, i) => project(v, shape[i]))
  : value && shape && typeof value === "object" && typeof shape === "object" && !("$date" in shape)
    ? Object.fromEntries(Object.keys(shape).filter((k) => k in value).map((k) => [k, project(value[k], shape[k])]))
  : value

const { calls } = JSON.parse(readFileSync(0, "utf8"))
const { prisma, adapter, close } = await open()
const results = []
const failures = []
try {
  for (const [i, call] of calls.entries()) {
    let result
    try {
      const args = decode(call.args ?? [])
      const value = call.method === "$raw" ? await prisma.$queryRawUnsafe(...args) : await adapter[call.method](...args)
      result = encode(value)
    } catch (e) {
      result = { $error: String(e?.cause?.message ?? e?.message ?? e) }
    }
    results.push(result)
    if ("expect" in call) {
      try {
        assert.deepStrictEqual(decode(project(result, call.expect)), decode(call.expect))
      } catch (e) {
        failures.push({ call: i, method: call.method, message: e.message })
      }
    }
  }
} finally {
  await close()
}
console.log(JSON.stringify({ results, failures }, (_, v) => (typeof v === "bigint" ? Number(v) : v)))
process.exit(failures.length === 0 ? 0 : 1)
