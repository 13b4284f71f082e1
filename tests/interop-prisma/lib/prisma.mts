// Opens the database named by the environment with Prisma Client 7 and its driver adapter, and wraps it in the real
// `PrismaAdapter` of `@auth/prisma-adapter`.
//
//   INTEROP_BACKEND   sqlite | postgres | mysql
//   INTEROP_DATABASE  SQLite: a file path; PostgreSQL / MySQL: a connection URL
//   INTEROP_PRISMA_SCHEMA  v5 (default): schema.prisma with `@auth/prisma-adapter`;
//                     v4: schema-v4.prisma with next-auth v4's `@next-auth/prisma-adapter`
//
// Each schema and backend has its own generated client (generated/[v4-]<provider>, made by generate.mjs at `npm ci`).

const backend = process.env.INTEROP_BACKEND
const database = process.env.INTEROP_DATABASE
if (!backend || !database) {
  throw new Error("set INTEROP_BACKEND (sqlite|postgres|mysql) and INTEROP_DATABASE (file path or URL)")
}
const v4 = process.env.INTEROP_PRISMA_SCHEMA === "v4"
const client = (provider) => import(`../generated/${v4 ? "v4-" : ""}${provider}/client.ts`)

/** `{ prisma, adapter, close }` for the database of the environment. */
export async function open() {
  let prisma
  switch (backend) {
    case "sqlite": {
      const { PrismaClient } = await client("sqlite")
      const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3")
      // Prisma 7's default encoding of dates on SQLite: ISO-8601 text with an offset.
      prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: database, timeout: 5000 }) })
      break
    }
    case "postgres": {
      const { PrismaClient } = await client("postgresql")
      const { PrismaPg } = await import("@prisma/adapter-pg")
      prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database, max: 2 }) })
      break
    }
    case "mysql": {
      const { PrismaClient } = await client("mysql")
      const { PrismaMariaDb } = await import("@prisma/adapter-mariadb")
      const url = new URL(database)
      // `DATETIME(3)` holds UTC, as Prisma's own connections assume.
      const config = {
        host: url.hostname,
        port: Number(url.port || 3306),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        database: url.pathname.slice(1),
        connectionLimit: 2,
        timezone: "Z",
      }
      prisma = new PrismaClient({ adapter: new PrismaMariaDb(config) })
      break
    }
    default:
      throw new Error(`unknown INTEROP_BACKEND ${backend}`)
  }
  const { PrismaAdapter } = v4 ? await import("@next-auth/prisma-adapter") : await import("@auth/prisma-adapter")
  return { prisma, adapter: PrismaAdapter(prisma), close: () => prisma.$disconnect() }
}
