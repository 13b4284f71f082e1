// Check 2 (cross-reading): runs the `@auth/drizzle-adapter` calls the Rust test sends, checks each result against the
// value the Rust side expects, and reports every result back. One process per test, serving requests until stdin
// ends: the protocol is `lib/serve.mjs`'s.
//
// A call: `{"method": "getUser", "args": [...], "expect": <value>, "unordered": false}`
//   - `method`: an adapter method name; `args`: its arguments;
//   - `expect` (optional): the result the call must return, compared with `assert.deepStrictEqual`;
//   - `unordered` (optional): the result is a list whose order does not matter (sorted before comparing).
import { open } from "./lib/db.mjs"
import { serve } from "./lib/serve.mjs"

const { adapter, close } = await open()

// Sort lists by a key-order independent form (the Rust side's JSON has its keys sorted, Drizzle's rows do not).
const canonical = (v) =>
  Array.isArray(v) ? v.map(canonical)
  : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]))
  : v
const sortKey = (v) => JSON.stringify(canonical(v))
const sorted = (list) => [...list].sort((a, b) => sortKey(a).localeCompare(sortKey(b)))

await serve({
  invoke: (method, args) => adapter[method](...args),
  compare: (call, result) => {
    const order = (v) => (call.unordered && Array.isArray(v) ? sorted(v) : v)
    return { result: order(result), actual: order(result), expected: order(call.expect) }
  },
  close,
})
