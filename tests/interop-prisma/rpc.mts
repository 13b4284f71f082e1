// Runs the `@auth/prisma-adapter` calls (on Prisma Client 7, see lib/prisma.mts) the Rust test (tests/tests/prisma.rs)
// sends, checks each result against the value the Rust side expects, and reports every result. One process per test
// (`node --import tsx rpc.mts`), serving requests until stdin ends: the protocol and value encoding of
// ../interop/rpc.mjs (`../interop/lib/serve.mjs`).
//
// A call: `{"method": "getUser", "args": [...], "expect": <value>}`
//   - `method`: an adapter method name, or `$raw` (args: `[sql]`, run with `prisma.$queryRawUnsafe`);
//   - `expect` (optional): the Auth.js fields the result must have. Prisma's rows also carry `createdAt` and
//     `updatedAt`, which are compared only when `expect` names them; lists are compared in order.
import { serve } from "../interop/lib/serve.mjs"
import { open } from "./lib/prisma.mts"

/** `value` with only the keys `shape` has, at every level. */
const project = (value, shape) =>
  Array.isArray(value) && Array.isArray(shape) ? value.map((v, i) => project(v, shape[i]))
  : value && shape && typeof value === "object" && typeof shape === "object" && !("$date" in shape)
    ? Object.fromEntries(Object.keys(shape).filter((k) => k in value).map((k) => [k, project(value[k], shape[k])]))
  : value

const { prisma, adapter, close } = await open()
await serve({
  invoke: (method, args) => (method === "$raw" ? prisma.$queryRawUnsafe(...args) : adapter[method](...args)),
  compare: (call, result) => ({ result, actual: project(result, call.expect), expected: call.expect }),
  close,
})
