// postinstall: generates a Prisma Client (generator `prisma-client`, TypeScript run with tsx) per schema and provider:
// schema.prisma (Auth.js v5) into generated/<provider>/, schema-v4.prisma (next-auth v4) into
// generated/v4-<provider>/ (the per-provider copies of the schemas are written to generated/schemas/). Offline:
// `prisma generate` needs no engine download when PRISMA_SCHEMA_ENGINE_BINARY names any existing file (the client
// and its query compiler are WASM/JS from npm).
import { execFileSync } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const dir = join(here, "generated", "schemas")
mkdirSync(dir, { recursive: true })
for (const [source, prefix] of [["schema.prisma", ""], ["schema-v4.prisma", "v4-"]]) {
  const template = readFileSync(join(here, source), "utf8")
  for (const provider of ["sqlite", "postgresql", "mysql"]) {
    const schema = template
      .replace('provider = "postgresql"', `provider = "${provider}"`)
      .replace('output   = "./generated/postgresql"', `output   = "../${prefix}${provider}"`)
      .replaceAll("/*TEXT*/", provider === "mysql" ? "@db.Text" : "")
    const file = join(dir, `${prefix}${provider}.prisma`)
    writeFileSync(file, schema)
    execFileSync(join(here, "..", "node_modules", ".bin", "prisma"), ["generate", "--schema", file], {
      cwd: here,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || "/bin/false" },
    })
  }
}
