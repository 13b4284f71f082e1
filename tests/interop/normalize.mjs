// Auth.js's e-mail normalizer (`defaultNormalizer` of @auth/core's e-mail sign-in, the pinned version), for the Rust
// test that compares it with `authjs_sea_orm::axum::normalize_email`.
//
// stdin: a JSON array of strings. stdout: one JSON line, an array of `{"ok": normalized}` or `{"error": message}`.
// @auth/core does not export this module, so it is imported by its file path.
import { readFileSync } from "node:fs"
import { defaultNormalizer } from "../node_modules/@auth/core/lib/actions/signin/send-token.js"

const inputs = JSON.parse(readFileSync(0, "utf8"))
const results = inputs.map((input) => {
  try {
    return { ok: defaultNormalizer(input) }
  } catch (e) {
    return { error: String(e?.message ?? e) }
  }
})
console.log(JSON.stringify(results))
