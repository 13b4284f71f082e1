// The loop of the RPC scripts, `rpc.mjs` (`@auth/drizzle-adapter`) and `../interop-prisma/rpc.mts`
// (`@auth/prisma-adapter`): one long-lived process per Rust test (`tests/tests/node_rpc`), which opens the database
// once and answers batches of adapter calls until its stdin ends.
//
// stdin: one request per line, `{"calls": [{"method": "getUser", "args": [...], "expect": <value>}, ...]}`, values in
//   the encoding of `db.mjs` (a `Date` is `{"$date": epochMillis}`).
// stdout: one line per request, `{"results": [...], "failures": [...]}`: every call's result (`{"$error": message}`
//   for a call that throws) and every call whose result does not match its `expect`. A `BigInt` is reported as a
//   number.
import assert from "node:assert/strict"
import { createInterface } from "node:readline"
import { decode, encode } from "./db.mjs"

/**
 * Serves the requests of stdin, then awaits `close()` and exits.
 *
 * - `invoke(method, args)`: runs one call (`args` decoded), returns its value;
 * - `compare(call, result)`: `{ result, actual, expected }`: the result to report, and the two encoded values that
 *   must be deeply equal (after decoding) when the call has an `expect`.
 */
export async function serve({ invoke, compare, close }) {
  try {
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      if (line.trim() === "") continue
      const { calls } = JSON.parse(line)
      const results = []
      const failures = []
      for (const [i, call] of calls.entries()) {
        let result
        try {
          result = encode(await invoke(call.method, decode(call.args ?? [])))
        } catch (e) {
          result = { $error: String(e?.cause?.message ?? e?.message ?? e) }
        }
        const compared = compare(call, result)
        results.push(compared.result)
        if ("expect" in call) {
          try {
            // Decoded values: `Date`s compared by time value, `null` distinct from `undefined`.
            assert.deepStrictEqual(decode(compared.actual), decode(compared.expected))
          } catch (e) {
            failures.push({ call: i, method: call.method, message: e.message })
          }
        }
      }
      const report = JSON.stringify({ results, failures }, (_, v) => (typeof v === "bigint" ? Number(v) : v))
      process.stdout.write(report + "\n")
    }
  } finally {
    await close()
  }
  process.exit(0)
}
