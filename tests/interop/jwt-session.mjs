// Session cookies of a Next.js app with JWT sessions and no adapter, as the real Auth.js code sets them, for
// examples/jwt-api/tests: a sign-in through `Auth()` of `@auth/core` (v5) or `AuthHandler` of `next-auth/core` (v4)
// with a Credentials provider, `session.strategy` "jwt", and a `jwt` callback that adds the given claims. No server
// and no database: the requests are built in memory (GET csrf, then POST callback/credentials with its cookie).
//
// Input: a JSON array of requests, on stdin or as the first argument. Output: one JSON line, an array with one
// `{"ok": result}` or `{"error": {"name", "code", "message"}}` per request, in order.
//
//   {"format": "v5" | "v4", "url": "http://localhost:3000", "secret": "s" | ["new", "old"],
//    "user": {"id", "name", "email", "image"}, "claims": {extra claims}, "maxAge": seconds}
//       signs `user` in on the app at `url` (`https://` gives the `__Secure-` cookie names, as on a deployed app):
//       the session cookies of the response, `[{"name", "value"}]` in the order Auth.js sets them (one cookie, or
//       the chunks `NAME.0`, `NAME.1`, … of a large token). `maxAge` is `session.maxAge` (and v4's `jwt.maxAge`; 30
//       days when absent, negative for a session already expired). v5 encodes with the first secret of a list; v4
//       takes one secret.
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { Auth } from "@auth/core"
import CredentialsV5 from "@auth/core/providers/credentials"
import CredentialsV4 from "next-auth/providers/credentials"

// next-auth v4's framework-free handler, which its package exports do not list (its Next.js entry needs `next`).
const require = createRequire(import.meta.url)
const { AuthHandler } = require(require.resolve("next-auth/jwt").replace(/jwt[/\\]index\.js$/, "core/index.js"))
const credentialsV4 = CredentialsV4.default ?? CredentialsV4

/** The provider's `authorize`: the user posted as JSON in the `user` field. */
const authorize = (credentials) => JSON.parse(credentials.user)

/** The `name=value` pair of a `Set-Cookie` header. */
function pair(setCookie) {
  const [head] = setCookie.split(";")
  const at = head.indexOf("=")
  return { name: head.slice(0, at), value: head.slice(at + 1) }
}

/** Whether a cookie is the session cookie or one of its chunks (not a removal). */
const isSession = ({ name, value }) => /(^|[.-])session-token(\.\d+)?$/.test(name) && value !== ""

async function v5({ url, secret, user, claims = {}, maxAge }) {
  const config = {
    basePath: "/auth",
    trustHost: true,
    secret,
    session: { strategy: "jwt", ...(maxAge === undefined ? {} : { maxAge }) },
    providers: [CredentialsV5({ credentials: { user: {} }, authorize })],
    callbacks: { jwt: ({ token }) => ({ ...token, ...claims }) },
    logger: { error: (e) => console.error(e), warn: () => {}, debug: () => {} },
  }
  const csrf = await Auth(new Request(`${url}/auth/csrf`), config)
  const { csrfToken } = await csrf.json()
  const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ")
  const body = new URLSearchParams({ csrfToken, user: JSON.stringify(user), callbackUrl: url })
  const signIn = await Auth(
    new Request(`${url}/auth/callback/credentials`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body,
    }),
    config,
  )
  const cookies = signIn.headers.getSetCookie().map(pair).filter(isSession)
  if (cookies.length === 0) throw new Error(`no session cookie: ${signIn.status} ${signIn.headers.get("location")}`)
  return cookies
}

/** Runs `f` with next-auth v4's `NEXTAUTH_URL` (the app's URL and its default base path), then unsets it. */
async function withNextAuthUrl(url, f) {
  process.env.NEXTAUTH_URL = `${url}/api/auth`
  try {
    return await f()
  } finally {
    delete process.env.NEXTAUTH_URL
  }
}

async function v4({ url, secret, user, claims = {}, maxAge }) {
  // next-auth v4 takes the token's lifetime from `jwt.maxAge`, which does not default to `session.maxAge`.
  const lifetime = maxAge === undefined ? {} : { maxAge }
  const options = {
    secret,
    session: { strategy: "jwt", ...lifetime },
    jwt: lifetime,
    providers: [credentialsV4({ credentials: { user: {} }, authorize })],
    callbacks: { jwt: ({ token }) => ({ ...token, ...claims }) },
    logger: { error: (code, e) => console.error(code, e), warn: () => {}, debug: () => {} },
  }
  const base = { headers: { host: new URL(url).host }, query: {} }
  const csrf = await AuthHandler({ req: { ...base, action: "csrf", method: "GET", cookies: {}, body: {} }, options })
  const cookies = Object.fromEntries((csrf.cookies ?? []).map(({ name, value }) => [name, value]))
  const body = { csrfToken: csrf.body.csrfToken, user: JSON.stringify(user), callbackUrl: url }
  const signIn = await AuthHandler({
    req: { ...base, action: "callback", providerId: "credentials", method: "POST", cookies, body },
    options,
  })
  const session = (signIn.cookies ?? []).map(({ name, value }) => ({ name, value })).filter(isSession)
  if (session.length === 0) throw new Error(`no session cookie: ${signIn.status ?? ""} ${signIn.redirect ?? ""}`)
  return session
}

async function run(request) {
  switch (request.format) {
    case "v5":
      return await v5(request)
    case "v4":
      return await withNextAuthUrl(request.url, () => v4(request))
    default:
      throw new Error(`unknown format ${JSON.stringify(request.format)}`)
  }
}

const requests = JSON.parse(process.argv[2] ?? readFileSync(0, "utf8"))
const results = []
for (const request of requests) {
  try {
    results.push({ ok: await run(request) })
  } catch (e) {
    results.push({ error: { name: e?.name ?? null, code: e?.code ?? null, message: String(e?.message ?? e) } })
  }
}
console.log(JSON.stringify(results))
