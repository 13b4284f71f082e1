// Check 3: prints the DDL that drizzle-kit generates for `@auth/drizzle-adapter`'s default schema on one dialect
// (`node drizzle-ddl.mjs sqlite|pg|mysql`), i.e. the tables a Next.js app gets from `drizzle-kit generate` with the
// adapter's default tables. Statements are separated by drizzle-kit's `--> statement-breakpoint` lines. The Rust
// test creates a database from it and runs our adapter on it.
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const dialects = { sqlite: "sqlite", pg: "postgresql", mysql: "mysql" }
const dialect = process.argv[2]
if (!(dialect in dialects)) throw new Error(`usage: node drizzle-ddl.mjs ${Object.keys(dialects).join("|")}`)

const here = dirname(fileURLToPath(import.meta.url))
const out = mkdtempSync(join(tmpdir(), "authjs-drizzle-ddl-"))
try {
  execFileSync(
    join(here, "..", "node_modules", ".bin", "drizzle-kit"),
    ["generate", "--dialect", dialects[dialect], "--schema", `drizzle-kit/schema.${dialect}.mjs`, "--out", out],
    { cwd: here, stdio: ["ignore", "ignore", "inherit"] },
  )
  const [file] = readdirSync(out).filter((f) => f.endsWith(".sql"))
  process.stdout.write(readFileSync(join(out, file), "utf8"))
} finally {
  rmSync(out, { recursive: true, force: true })
}
