// Node side of the benchmark (bench/, see BENCHMARKS.md): runs the workload the Rust bench generated through the
// real `DrizzleAdapter(db)` of `@auth/drizzle-adapter`, phase by phase as the Rust side asks, so it can interleave
// the implementations: each stdin line is `warmup`, a phase number (0-12) or `close`; each answer is one JSON line
// (a phase: `{"name", "ops", "wall_s", "lat_us", "cpu_us"}`; an error: `{"error": message}`).
//
//   node bench.mjs <plan.json>
//   BENCH_BACKEND     sqlite | postgres | mysql
//   BENCH_DATABASE    SQLite: a file path or ":memory:"; PostgreSQL / MySQL: a connection URL
//   BENCH_SQLITE_DDL  SQLite in memory: a JSON file holding the DDL statements of the auth tables
//   BENCH_POOL        connections in the pool (PostgreSQL, MySQL)
//   BENCH_UNFLUSHED   "1": PostgreSQL sessions run with synchronous_commit = off
//
// The tables are those the Rust migration creates (same as for the Rust implementations); Drizzle reads them
// through its own default schema (`defineTables()` of the dialect), as an app using `DrizzleAdapter(db)` does.
// Every result is checked; a wrong result exits 1.
import { readFileSync } from "node:fs"
import { createInterface } from "node:readline"
import { DrizzleAdapter } from "@auth/drizzle-adapter"

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"))
const backend = process.env.BENCH_BACKEND
const database = process.env.BENCH_DATABASE
const poolSize = Number(process.env.BENCH_POOL || 16)
const unflushed = process.env.BENCH_UNFLUSHED === "1"

async function open() {
  switch (backend) {
    case "sqlite": {
      const { default: Database } = await import("better-sqlite3")
      const { drizzle } = await import("drizzle-orm/better-sqlite3")
      const client = new Database(database, { timeout: 5000 })
      // What `authjs_sea_orm::connect` sets on the Rust side: WAL with synchronous = NORMAL for files, foreign keys.
      if (database !== ":memory:") {
        client.pragma("journal_mode = WAL")
        client.pragma("synchronous = NORMAL")
      }
      client.pragma("foreign_keys = ON")
      if (process.env.BENCH_SQLITE_DDL) {
        for (const stmt of JSON.parse(readFileSync(process.env.BENCH_SQLITE_DDL, "utf8"))) client.exec(stmt)
      }
      return { db: drizzle({ client }), close: async () => client.close() }
    }
    case "postgres": {
      const { default: postgres } = await import("postgres")
      const { drizzle } = await import("drizzle-orm/postgres-js")
      const client = postgres(database, {
        max: poolSize,
        onnotice: () => {},
        connection: unflushed ? { synchronous_commit: "off" } : {},
      })
      return { db: drizzle({ client }), close: () => client.end() }
    }
    case "mysql": {
      const { default: mysql } = await import("mysql2/promise")
      const { drizzle } = await import("drizzle-orm/mysql2")
      // UTC on both ends, as the README requires of a Node app sharing the database.
      const pool = mysql.createPool({ uri: database, timezone: "Z", connectionLimit: poolSize })
      pool.pool.on("connection", (conn) => conn.query("SET time_zone = '+00:00'"))
      return { db: drizzle({ client: pool }), close: () => pool.end() }
    }
    default:
      throw new Error(`unknown BENCH_BACKEND ${backend}`)
  }
}

function check(what, got, want) {
  if (got !== want) throw new Error(`${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`)
}

const now = () => Number(process.hrtime.bigint()) / 1000 // microseconds
const cpu = () => {
  const { user, system } = process.cpuUsage() // microseconds, whole process
  return user + system
}

/** Times `call` on each item, one after the other. */
async function serial(name, items, call) {
  const lat_us = new Array(items.length)
  const cpu0 = cpu()
  const start = now()
  for (let i = 0; i < items.length; i++) {
    const t = now()
    try {
      await call(items[i])
    } catch (e) {
      throw new Error(`${name}: ${e?.message ?? e}`)
    }
    lat_us[i] = now() - t
  }
  const wall_s = (now() - start) / 1e6
  return { name, ops: items.length, wall_s, lat_us, cpu_us: cpu() - cpu0 }
}

const { db, close } = await open()
const adapter = DrizzleAdapter(db)
// Drizzle's default `user.id` has a `$defaultFn`: createUser stores a fresh UUID and ignores the id passed.
const ids = []

/** Concurrent callers share one index into `lookups`; each call's latency is that of the lookup alone. */
async function concurrent(name, lookups, checkResult) {
  let next = 0
  const lat_us = []
  const cpu0 = cpu()
  const start = now()
  const caller = async () => {
    for (;;) {
      const i = next++
      if (i >= lookups.length) return
      const l = lookups[i]
      const t = now()
      const found = await adapter.getSessionAndUser(l.key)
      lat_us.push(now() - t)
      try {
        checkResult(found, l)
      } catch (e) {
        throw new Error(`${name}: ${e?.message ?? e}`)
      }
    }
  }
  await Promise.all(Array.from({ length: plan.callers }, caller))
  const wall_s = (now() - start) / 1e6
  return { name, ops: lookups.length, wall_s, lat_us, cpu_us: cpu() - cpu0 }
}

/** The whole check of a session lookup: found or not, token, user and `expires`. */
function checkFound(found, l) {
  if (l.user === null) return check("session found", found, null)
  check("session token", found?.session.sessionToken, l.key)
  check("session user", found.user.id, ids[l.user])
  check("session expires", found.session.expires.getTime(), l.expires)
}

async function warmUp() {
  // The same calls as the Rust side's warm-up (JIT, connections, prepared statements); leaves the tables empty.
  for (let i = 0; i < plan.warmup; i++) {
    check("warm-up session", await adapter.getSessionAndUser(`warmup-${i}`), null)
    check("warm-up email", await adapter.getUserByEmail(`warmup-${i}@example.com`), null)
    check("warm-up account", await adapter.getUserByAccount({ provider: "warmup", providerAccountId: String(i) }), null)
    const vt = { identifier: `warmup-${i}@example.com`, token: `warmup-${i}`, expires: new Date(1767225600123) }
    await adapter.createVerificationToken(vt)
    check("warm-up token", (await adapter.useVerificationToken(vt))?.token, vt.token)
  }
}

const phases = [
  () =>
    serial("create_user", plan.users, async (u) => {
      const user = await adapter.createUser({
        id: u.id,
        name: u.name,
        email: u.email,
        emailVerified: new Date(u.email_verified),
        image: u.image,
      })
      check("created user email", user.email, u.email)
      ids.push(user.id)
    }),
  () =>
    serial("link_account", plan.accounts, async (a) => {
      // Drizzle's linkAccount returns nothing (an error throws).
      await adapter.linkAccount({
        userId: ids[a.user],
        type: "oauth",
        provider: a.provider,
        providerAccountId: a.provider_account_id,
        access_token: a.access_token,
        refresh_token: a.refresh_token,
        expires_at: a.expires_at,
        token_type: a.token_type,
        scope: a.scope,
        id_token: a.id_token,
      })
    }),
  () =>
    serial("create_session", plan.sessions, async (s) => {
      const session = await adapter.createSession({ sessionToken: s.token, userId: ids[s.user], expires: new Date(s.expires) })
      check("session token", session.sessionToken, s.token)
    }),
  () => serial("get_session_and_user", plan.session_lookups, async (l) => checkFound(await adapter.getSessionAndUser(l.key), l)),
  () =>
    serial("get_user_by_email", plan.email_lookups, async (l) => {
      check("user by email", (await adapter.getUserByEmail(l.key))?.id, ids[l.user])
    }),
  () =>
    serial("get_user_by_account", plan.account_lookups, async (l) => {
      const user = await adapter.getUserByAccount({ provider: l.provider, providerAccountId: l.provider_account_id })
      check("user by account", user?.id, ids[l.user])
    }),
  () =>
    serial("update_session", plan.session_updates, async (u) => {
      const session = await adapter.updateSession({ sessionToken: u.token, expires: new Date(u.expires) })
      check("updated expires", session?.expires.getTime(), u.expires)
    }),
  // Repeat visits: a few sessions (rewritten by update_session just before) each looked up many times.
  () =>
    serial("get_session_and_user (repeat visits)", plan.repeat_lookups, async (l) =>
      checkFound(await adapter.getSessionAndUser(l.key), l),
    ),
  () => concurrent("get_session_and_user (repeat visits) x16", plan.concurrent_repeat_lookups, checkFound),
  () =>
    serial("create_verification_token", plan.verification_tokens, async (v) => {
      const vt = await adapter.createVerificationToken({ identifier: v.identifier, token: v.token, expires: new Date(v.expires) })
      check("created token", vt?.token, v.token)
    }),
  () =>
    serial("use_verification_token", plan.token_uses, async (i) => {
      const v = plan.verification_tokens[i]
      check("used token", (await adapter.useVerificationToken({ identifier: v.identifier, token: v.token }))?.token, v.token)
    }),
  () =>
    serial("delete_user", plan.deleted_users, async (u) => {
      // Drizzle's deleteUser returns nothing (an error throws).
      await adapter.deleteUser(ids[u])
    }),
  () =>
    concurrent("get_session_and_user x16", plan.concurrent_lookups, (found, l) =>
      check("concurrent lookup", found?.user.id ?? null, l.user === null ? null : ids[l.user]),
    ),
]

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  const command = line.trim()
  if (command === "close") break
  try {
    const result = command === "warmup" ? (await warmUp(), { ok: true }) : await phases[Number(command)]()
    process.stdout.write(JSON.stringify(result) + "\n")
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String(e?.message ?? e) }) + "\n")
  }
}
await close()
process.exit(0)
