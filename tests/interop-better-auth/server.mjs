// A real Better Auth server: `betterAuth()` of better-auth 1.7.25, served on `node:http` through `toNodeHandler` of
// `better-auth/node` (no framework), on the database of the environment, in one of two namings: Better Auth's own
// (its Kysely adapter, the tables of `getMigrations`) or the Drizzle CLI's (`drizzleAdapter` of
// `better-auth/adapters/drizzle` on the snake_case schema of `drizzle/schema.<dialect>.mjs`).
// `tests/tests/better_auth.rs` runs it next to a Rust app on the same database and secrets.
//
//   BA_BACKEND         sqlite | postgres | mysql
//   BA_DATABASE        SQLite: a file path; PostgreSQL / MySQL: a connection URL
//   BA_NAMING          better-auth (default) | drizzle
//   BA_TABLES          create (default): create the tables if they are missing (own naming: `getMigrations(options)
//                        .runMigrations()`; drizzle: the DDL drizzle-kit generates from the schema, when no `user`
//                        table exists yet); check: create nothing, report what would be created (the ready line's
//                        `pending`); none: touch nothing
//   BA_EXPIRES_IN      session.expiresIn in seconds (default Better Auth's, 604800)
//   BA_UPDATE_AGE      session.updateAge in seconds (default Better Auth's, 86400)
//   BA_COOKIE_CACHE    off (default) | compact | jwt | jwe: session.cookieCache (enabled with that strategy)
//   BA_COOKIE_CACHE_MAX_AGE  session.cookieCache.maxAge in seconds (default Better Auth's, 300)
//   BA_SECURE_COOKIES  1: advanced.useSecureCookies (`__Secure-` cookie names and `Secure`, behind plain HTTP)
//   BETTER_AUTH_SECRET, BETTER_AUTH_SECRETS, AUTH_SECRET   read by Better Auth itself (no `secret` option is set)
//   NODE_ENV           defaults to `test` here (Better Auth's development default secret, the `127.0.0.1` fallback
//                      for `ipAddress`)
//   PORT               port on 127.0.0.1, default 0 (any free port)
//
// baseURL is `http://127.0.0.1:<port>`: POSTs carrying cookies (sign-out) need `Origin: <baseURL>`, and so do the
// sign-in and sign-up POSTs of clients that send `Sec-Fetch-*` headers (see /work/shared/reference/better-auth.md).
//
// When ready it prints one JSON line on stdout:
//   {"port": <port>, "baseURL": "http://127.0.0.1:<port>", "pending": [<statement or table name>, ...]}
// `pending` is empty unless BA_TABLES=check found something to create (own naming: the tables and columns
// `getMigrations` lists; drizzle: the statements drizzle-kit's push would run). Better Auth's logs go to stderr.
import { createServer } from "node:http"

process.env.NODE_ENV ??= "test"

const backend = process.env.BA_BACKEND
const database = process.env.BA_DATABASE
if (!backend || !database) throw new Error("set BA_BACKEND (sqlite|postgres|mysql) and BA_DATABASE (file path or URL)")
const naming = process.env.BA_NAMING || "better-auth"
if (naming !== "better-auth" && naming !== "drizzle") throw new Error(`BA_NAMING must be better-auth or drizzle, not ${naming}`)
const tables = process.env.BA_TABLES || "create"
if (!["create", "check", "none"].includes(tables)) throw new Error(`BA_TABLES must be create, check or none, not ${tables}`)
const cache = process.env.BA_COOKIE_CACHE || "off"
if (!["off", "compact", "jwt", "jwe"].includes(cache)) throw new Error(`BA_COOKIE_CACHE must be off, compact, jwt or jwe, not ${cache}`)

/** A positive number of seconds from `name`, or `undefined` when unset. */
function seconds(name) {
  const raw = process.env[name]
  if (raw === undefined || raw === "") return undefined
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of seconds, not ${raw}`)
  return value
}

const { betterAuth } = await import("better-auth")
const { toNodeHandler } = await import("better-auth/node")

/** `{ database, close, pending, create }` for the backend and naming: the `database` option of `betterAuth`. */
async function open() {
  if (naming === "better-auth") return openOwn()
  return openDrizzle()
}

/** Better Auth's own naming: the driver object itself, which Better Auth wraps in Kysely. */
async function openOwn() {
  switch (backend) {
    case "sqlite": {
      const { default: Database } = await import("better-sqlite3")
      // Rust opens the same file in WAL mode; wait for its locks like it waits for ours.
      const client = new Database(database, { timeout: 5000 })
      return { database: client, close: async () => client.close() }
    }
    case "postgres": {
      const { default: pg } = await import("pg")
      const pool = new pg.Pool({ connectionString: database, max: 4 })
      return { database: pool, close: () => pool.end() }
    }
    case "mysql": {
      const pool = await mysqlPool()
      return { database: pool, close: () => pool.end() }
    }
    default:
      throw new Error(`unknown BA_BACKEND ${backend}`)
  }
}

/** A mysql2 promise pool working in UTC, as the Rust side does (`timezone: "Z"` for the values mysql2 binds and
 * decodes, `SET time_zone` for the server's `TIMESTAMP` conversions), as `../interop/lib/db.mjs` explains. */
async function mysqlPool() {
  const { createPool } = await import("mysql2/promise")
  const pool = createPool({ uri: database, timezone: "Z", connectionLimit: 4 })
  pool.pool.on("connection", (conn) => conn.query("SET time_zone = '+00:00'"))
  return pool
}

/** The Drizzle CLI's naming: drizzle-orm on the driver, the CLI's schema, Better Auth's drizzle adapter. */
async function openDrizzle() {
  const { drizzleAdapter } = await import("better-auth/adapters/drizzle")
  const dialect = { sqlite: "sqlite", postgres: "pg", mysql: "mysql" }[backend]
  if (!dialect) throw new Error(`unknown BA_BACKEND ${backend}`)
  const schema = await import(`./drizzle/schema.${dialect}.mjs`)
  let db, close, exec, query
  switch (backend) {
    case "sqlite": {
      const { default: Database } = await import("better-sqlite3")
      const { drizzle } = await import("drizzle-orm/better-sqlite3")
      const client = new Database(database, { timeout: 5000 })
      db = drizzle({ client, schema })
      close = async () => client.close()
      exec = async (sql) => client.exec(sql)
      query = async (sql) => client.prepare(sql).all()
      break
    }
    case "postgres": {
      const { default: pg } = await import("pg")
      const { drizzle } = await import("drizzle-orm/node-postgres")
      const pool = new pg.Pool({ connectionString: database, max: 4 })
      db = drizzle({ client: pool, schema })
      close = () => pool.end()
      exec = (sql) => pool.query(sql)
      query = async (sql) => (await pool.query(sql)).rows
      break
    }
    case "mysql": {
      const { drizzle } = await import("drizzle-orm/mysql2")
      const pool = await mysqlPool()
      // drizzle-orm requires a `mode` with a schema for MySQL (`default`: not PlanetScale).
      db = drizzle({ client: pool, schema, mode: "default" })
      close = () => pool.end()
      exec = (sql) => pool.query(sql)
      query = async (sql) => (await pool.query(sql))[0]
      break
    }
  }
  /** The statements drizzle-kit generates to create the schema from nothing (what `drizzle-kit generate` writes). */
  async function ddl() {
    const api = await import("drizzle-kit/api")
    switch (dialect) {
      case "sqlite":
        return api.generateSQLiteMigration(await api.generateSQLiteDrizzleJson({}), await api.generateSQLiteDrizzleJson(schema))
      case "pg":
        return api.generateMigration(api.generateDrizzleJson({}), api.generateDrizzleJson(schema))
      case "mysql":
        return api.generateMySQLMigration(await api.generateMySQLDrizzleJson({}), await api.generateMySQLDrizzleJson(schema))
    }
  }
  /** Whether the `user` table exists. */
  async function hasUserTable() {
    const sql = {
      sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'user'",
      pg: "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'user'",
      mysql: "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'user'",
    }[dialect]
    return (await query(sql)).length > 0
  }
  return {
    database: drizzleAdapter(db, { provider: dialect, schema }),
    close,
    async create() {
      if (await hasUserTable()) return
      for (const statement of await ddl()) await exec(statement)
    },
    /** The statements drizzle-kit's push would run to bring the database to the schema. */
    async pending() {
      const api = await import("drizzle-kit/api")
      const push = { sqlite: api.pushSQLiteSchema, pg: api.pushSchema, mysql: api.pushMySQLSchema }[dialect]
      const args = dialect === "mysql" ? [schema, db, new URL(database).pathname.slice(1)] : [schema, db]
      // drizzle-kit's spinner writes to stdout: keep stdout for the ready line.
      const write = process.stdout.write
      process.stdout.write = process.stderr.write.bind(process.stderr)
      try {
        const { statementsToExecute } = await push(...args)
        return statementsToExecute
      } finally {
        process.stdout.write = write
      }
    },
  }
}

const opened = await open()

const server = createServer((req, res) => handler(req, res))
await new Promise((resolve) => server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", resolve))
const baseURL = `http://127.0.0.1:${server.address().port}`

const expiresIn = seconds("BA_EXPIRES_IN")
const updateAge = seconds("BA_UPDATE_AGE")
const maxAge = seconds("BA_COOKIE_CACHE_MAX_AGE")
const auth = betterAuth({
  baseURL,
  database: opened.database,
  emailAndPassword: { enabled: true },
  session: {
    ...(expiresIn !== undefined && { expiresIn }),
    ...(updateAge !== undefined && { updateAge }),
    ...(cache !== "off" && { cookieCache: { enabled: true, strategy: cache, ...(maxAge !== undefined && { maxAge }) } }),
  },
  advanced: { useSecureCookies: process.env.BA_SECURE_COOKIES === "1" },
})

let pending = []
if (naming === "better-auth") {
  if (tables !== "none") {
    const { getMigrations } = await import("better-auth/db/migration")
    const migrations = await getMigrations(auth.options)
    if (tables === "create") await migrations.runMigrations()
    else {
      pending = [
        ...migrations.toBeCreated.map((t) => `create ${t.table}`),
        ...migrations.toBeAdded.map((t) => `add ${t.table}: ${Object.keys(t.fields).join(", ")}`),
      ]
    }
  }
} else if (tables === "create") await opened.create()
else if (tables === "check") pending = await opened.pending()

const handler = toNodeHandler(auth)

async function shutdown() {
  server.close()
  await opened.close()
  process.exit(0)
}
process.on("SIGTERM", shutdown)
process.stdin.on("end", shutdown)
process.stdin.resume()

console.log(JSON.stringify({ port: server.address().port, baseURL, pending }))
