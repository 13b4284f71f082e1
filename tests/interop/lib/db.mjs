// Opens the database named by the environment with drizzle-orm and wraps it in the real `DrizzleAdapter`.
//
//   INTEROP_BACKEND   sqlite | postgres | mysql
//   INTEROP_DATABASE  SQLite: a file path; PostgreSQL / MySQL: a connection URL
//   INTEROP_MYSQL_SESSION_TIME_ZONE  MySQL only, default "+00:00" (UTC). Only tests that show what a non-UTC
//                     session does set anything else.
//
// The tables are the adapter's own default schema (`defineTables()` of the dialect module), so direct reads see the
// columns exactly as `@auth/drizzle-adapter` declares them.
import { DrizzleAdapter } from "@auth/drizzle-adapter"

const backend = process.env.INTEROP_BACKEND
const database = process.env.INTEROP_DATABASE
if (!backend || !database) {
  throw new Error("set INTEROP_BACKEND (sqlite|postgres|mysql) and INTEROP_DATABASE (file path or URL)")
}

/** `{ backend, db, adapter, tables, close }` for the database of the environment. */
export async function open() {
  switch (backend) {
    case "sqlite": {
      const { default: Database } = await import("better-sqlite3")
      const { drizzle } = await import("drizzle-orm/better-sqlite3")
      const { defineTables } = await import("../../node_modules/@auth/drizzle-adapter/lib/sqlite.js")
      // Rust opens the same file in WAL mode; wait for its locks like it waits for ours.
      const client = new Database(database, { fileMustExist: true, timeout: 5000 })
      client.pragma("foreign_keys = ON")
      const db = drizzle({ client })
      return { backend, db, adapter: DrizzleAdapter(db), tables: defineTables(), close: async () => client.close() }
    }
    case "postgres": {
      const { default: postgres } = await import("postgres")
      const { drizzle } = await import("drizzle-orm/postgres-js")
      const { defineTables } = await import("../../node_modules/@auth/drizzle-adapter/lib/pg.js")
      const client = postgres(database, { max: 2, onnotice: () => {} })
      const db = drizzle({ client })
      return { backend, db, adapter: DrizzleAdapter(db), tables: defineTables(), close: () => client.end() }
    }
    case "mysql": {
      const { default: mysql } = await import("mysql2/promise")
      const { drizzle } = await import("drizzle-orm/mysql2")
      const { defineTables } = await import("../../node_modules/@auth/drizzle-adapter/lib/mysql.js")
      const timeZone = process.env.INTEROP_MYSQL_SESSION_TIME_ZONE || "+00:00"
      // The Node side must work in UTC on MySQL/MariaDB, as the Rust side does:
      // - `timezone: "Z"`: mysql2 converts JavaScript `Date` values it binds or decodes as UTC (Drizzle's own date
      //   columns format and parse UTC strings themselves, but raw queries and other libraries on the pool do not);
      // - `SET time_zone`: the session time zone, through which the server converts `TIMESTAMP` columns (Drizzle's
      //   default schema). A non-UTC session shifts every `TIMESTAMP` value between Node and a UTC-pinned Rust side.
      const pool = mysql.createPool({ uri: database, timezone: "Z", connectionLimit: 2 })
      pool.pool.on("connection", (conn) => conn.query("SET time_zone = ?", [timeZone]))
      // No `mode` key: drizzle-orm 0.45's config check rejects any `mode` and would treat the object as the client.
      const db = drizzle({ client: pool })
      return { backend, db, adapter: DrizzleAdapter(db), tables: defineTables(), close: () => pool.end() }
    }
    default:
      throw new Error(`unknown INTEROP_BACKEND ${backend}`)
  }
}

/** JSON-safe form of an adapter value: `Date` as `{ "$date": epochMillis }`, `undefined` as `{ "$undefined": true }`
 * at the top level (dropped inside objects, like JSON does). */
export function encode(value) {
  if (value === undefined) return { $undefined: true }
  return JSON.parse(JSON.stringify(value, function (key, v) {
    const raw = this[key]
    return raw instanceof Date ? { $date: raw.getTime() } : v
  }))
}

/** The inverse of `encode`: revives `{ "$date": ms }` into `Date`. */
export function decode(value) {
  if (Array.isArray(value)) return value.map(decode)
  if (value && typeof value === "object") {
    if (Object.keys(value).length === 1 && typeof value.$date === "number") return new Date(value.$date)
    if (Object.keys(value).length === 1 && value.$undefined === true) return undefined
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]))
  }
  return value
}
