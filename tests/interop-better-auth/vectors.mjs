// Test vectors for the Rust Better Auth cookie layer (`core/src/better_auth/`), made by the real better-auth 1.7.25:
// a `betterAuth()` on its memory adapter signs a user up and reads the session back through its own handler (no
// server, no database), reads the session back and signs out, once per cookie-cache strategy, and prints what it
// sent: the `Set-Cookie` headers of the sign-up and the sign-out, the `get-session` body, the secrets and the time. The Rust unit test `node_vectors_verify` (in
// `core/src/better_auth/tests.rs`) reads the output, `core/src/better_auth/testdata/node-vectors.json`.
//
// Regenerate it (from the repository root, after `npm ci --prefix tests`):
//   node tests/interop-better-auth/vectors.mjs > core/src/better_auth/testdata/node-vectors.json
process.env.NODE_ENV = "test"

const { betterAuth } = await import("better-auth")
const { memoryAdapter } = await import("better-auth/adapters/memory")

const BASE_URL = "http://127.0.0.1:3000"
const NAME = 'Zoë "Cache" </x> & ✓'

/** The `Set-Cookie` headers of `response`, and its cookies as a `Cookie` header would send them back. */
function cookiesOf(response) {
  const setCookies = response.headers.getSetCookie()
  const pairs = setCookies.map((header) => header.split(";")[0]).filter((pair) => !pair.endsWith("="))
  return { setCookies, cookie: pairs.join("; ") }
}

/** One run: sign up (remember me or not) and read the session back, with `options` merged into the defaults. */
async function run(label, options, { rememberMe = true } = {}) {
  const auth = betterAuth({
    baseURL: BASE_URL,
    database: memoryAdapter({ user: [], session: [], account: [], verification: [] }),
    emailAndPassword: { enabled: true },
    logger: { disabled: true },
    ...options,
  })
  const email = `${label}@example.com`
  const before = Date.now()
  const signUp = await auth.handler(
    new Request(`${BASE_URL}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: BASE_URL },
      body: JSON.stringify({ email, password: "correct horse battery", name: NAME, rememberMe }),
    }),
  )
  if (signUp.status !== 200) throw new Error(`${label}: sign-up answered ${signUp.status}: ${await signUp.text()}`)
  const signedUp = cookiesOf(signUp)
  const getSession = await auth.handler(
    new Request(`${BASE_URL}/api/auth/get-session`, { headers: { cookie: signedUp.cookie } }),
  )
  const session = await getSession.json()
  const signOut = await auth.handler(
    new Request(`${BASE_URL}/api/auth/sign-out`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: BASE_URL, cookie: signedUp.cookie },
      body: "{}",
    }),
  )
  if (signOut.status !== 200) throw new Error(`${label}: sign-out answered ${signOut.status}: ${await signOut.text()}`)
  return {
    label,
    options: { secret: options.secret ?? null, secrets: options.secrets ?? null, session: options.session ?? null },
    rememberMe,
    before,
    after: Date.now(),
    signUpSetCookies: signedUp.setCookies,
    cookie: signedUp.cookie,
    getSession: session,
    signOutSetCookies: signOut.headers.getSetCookie(),
  }
}

const SECRET = "vectors-secret-0123456789abcdefghijklmnop"
const OLD = "vectors-old-secret-0123456789abcdefghijkl"
const cache = (strategy) => ({ cookieCache: { enabled: true, strategy, maxAge: 300 } })

const vectors = [
  await run("plain", { secret: SECRET }),
  await run("dont-remember", { secret: SECRET }, { rememberMe: false }),
  await run("compact", { secret: SECRET, session: cache("compact") }),
  await run("jwt", { secret: SECRET, session: cache("jwt") }),
  await run("jwe", { secret: SECRET, session: cache("jwe") }),
  // Written before a rotation (single secret OLD), read after it (secrets [2: SECRET, 1: OLD]).
  await run("jwe-old", { secret: OLD, session: cache("jwe") }),
  await run("jwe-rotated", {
    secrets: [
      { version: 2, value: SECRET },
      { version: 1, value: OLD },
    ],
    session: cache("jwe"),
  }),
]

process.stdout.write(
  `${JSON.stringify({ generatedBy: "tests/interop-better-auth/vectors.mjs", betterAuth: "1.7.25", vectors }, null, 2)}\n`,
)
