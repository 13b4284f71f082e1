// Session JWTs made and read by the real Auth.js code, for tests/tests/jwt.rs: `encode`/`decode` of `@auth/core/jwt`
// (Auth.js v5) and of `next-auth/jwt` (next-auth v4), the pinned versions of package-lock.json.
//
// Input: a JSON array of requests, on stdin or as the first argument. Output: one JSON line, an array with one
// `{"ok": result}` or `{"error": {"name", "code", "message"}}` per request, in order.
//
//   {"op": "encode", "format": "v5" | "v4", "token": {claims}, "secret": "s" | ["new", "old"], "salt": "...",
//    "maxAge": seconds}
//       the package's `encode`: the token string. Both set `iat` = now, `exp` = now + maxAge (30 days when absent,
//       negative for a token already expired) and a random UUID `jti`, replacing those claims if given. v5 encodes
//       with the first secret of a list; next-auth v4 takes one secret and its salt is "" unless given.
//   {"op": "decode", "format": "v5" | "v4", "token": "...", "secret": ..., "salt": "..."}
//       the package's `decode`: the claims; `null` for an empty token; an error for anything it refuses (both
//       throw: jose's errors such as ERR_JWT_EXPIRED or ERR_JWE_DECRYPTION_FAILED, or @auth/core's
//       "no matching decryption secret").
//   {"op": "encode-a256gcm", "token": {claims}, "secret": "s", "salt": "...", "maxAge": seconds, "kid": true|false}
//       a v5 token with `enc: "A256GCM"`, which @auth/core's decode accepts but its encode never writes: jose's
//       EncryptJWT (the copy @auth/core imports) with the key @auth/core's decode derives for A256GCM (HKDF-SHA256,
//       salt = cookie name, info "Auth.js Generated Encryption Key (<salt>)", 32 bytes) and, with `kid`, its
//       SHA-256 JWK thumbprint. The same claims as `encode`.
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { pathToFileURL } from "node:url"
import * as authjs from "@auth/core/jwt"
import * as nextAuth from "next-auth/jwt"

// jose and @panva/hkdf as @auth/core resolves them (next-auth v4 has its own jose 4 nested under it).
const fromAuthCore = createRequire(import.meta.resolve("@auth/core/jwt"))
const jose = await import(pathToFileURL(fromAuthCore.resolve("jose")).href)
const { hkdf } = await import(pathToFileURL(fromAuthCore.resolve("@panva/hkdf")).href)

const packages = { v5: authjs, v4: nextAuth }

function pkg(format) {
  const p = packages[format]
  if (!p) throw new Error(`unknown format ${JSON.stringify(format)}`)
  return p
}

async function encodeA256Gcm({ token = {}, secret, salt, maxAge = 30 * 24 * 60 * 60, kid = true }) {
  const key = await hkdf("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, 32)
  const header = { alg: "dir", enc: "A256GCM" }
  if (kid) header.kid = await jose.calculateJwkThumbprint({ kty: "oct", k: jose.base64url.encode(key) }, "sha256")
  return await new jose.EncryptJWT(token)
    .setProtectedHeader(header)
    .setIssuedAt()
    .setExpirationTime(((Date.now() / 1000) | 0) + maxAge)
    .setJti(crypto.randomUUID())
    .encrypt(key)
}

async function run(request) {
  const { op, format, token, secret, salt, maxAge } = request
  switch (op) {
    case "encode":
      return await pkg(format).encode({ token, secret, salt, maxAge })
    case "decode":
      return await pkg(format).decode({ token, secret, salt })
    case "encode-a256gcm":
      return await encodeA256Gcm(request)
    default:
      throw new Error(`unknown op ${JSON.stringify(op)}`)
  }
}

const requests = JSON.parse(process.argv[2] ?? readFileSync(0, "utf8"))
const results = []
for (const request of requests) {
  try {
    results.push({ ok: (await run(request)) ?? null })
  } catch (e) {
    results.push({ error: { name: e?.name ?? null, code: e?.code ?? null, message: String(e?.message ?? e) } })
  }
}
console.log(JSON.stringify(results))
