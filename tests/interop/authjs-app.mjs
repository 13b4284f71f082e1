// A real Auth.js app: `Auth()` from `@auth/core` served by Node's `http` module (no framework), with the real
// `@auth/drizzle-adapter` on the database of the environment (`lib/db.mjs`) and an e-mail provider that records the
// links instead of mailing them. `examples/axum/tests/authjs_app.rs` runs it next to the Rust example app, on the same
// database and secret, to show that both are one sign-in system.
//
//   INTEROP_BACKEND, INTEROP_DATABASE  the database (see lib/db.mjs)
//   AUTH_SECRET                        Auth.js's secret (required)
//   AUTH_SESSION_STRATEGY              "database" (default) or "jwt"
//   PORT                               port on 127.0.0.1, default 0 (any free port)
//
// Routes: everything under `/auth` is Auth.js's (`GET /auth/csrf`, `POST /auth/signin/email`,
// `GET /auth/callback/email?token=…&email=…`, `GET /auth/session`, `POST /auth/signout`, …), plus
//   GET /account              the signed-in user `{ id, name, email, image }` as JSON (401 `null` when signed out), from
//                             the session Auth.js resolves for the request's cookies (it calls `Auth()` on
//                             `/auth/session` with them and passes its `Set-Cookie` headers on)
//   GET /test/links?email=…   the magic links sent to that (normalized) address so far, oldest first, as a JSON array
//
// When ready it prints one JSON line `{"port": <port>}` on stdout. Errors Auth.js logs go to stderr.
import { createServer } from "node:http"
import { Auth } from "@auth/core"
import { open } from "./lib/db.mjs"

const secret = process.env.AUTH_SECRET
if (!secret) throw new Error("set AUTH_SECRET")
const strategy = process.env.AUTH_SESSION_STRATEGY || "database"
if (strategy !== "database" && strategy !== "jwt") {
  throw new Error(`AUTH_SESSION_STRATEGY must be database or jwt, not ${strategy}`)
}

const { adapter } = await open()

/** Links sent, by identifier (the address Auth.js normalized). */
const links = new Map()

/** An e-mail provider with the id `email`, as the Rust app's: `/auth/signin/email`, `/auth/callback/email`. */
const email = {
  id: "email",
  type: "email",
  name: "Email",
  maxAge: 24 * 60 * 60,
  async sendVerificationRequest({ identifier, url }) {
    links.set(identifier, [...(links.get(identifier) ?? []), url])
  },
}

/** The app's Auth.js configuration. */
const config = {
  basePath: "/auth",
  trustHost: true,
  secret,
  adapter,
  providers: [email],
  session: { strategy },
}

/** The same configuration, with a session callback that also gives the user's id (for `/account` only, so that
 * `/auth/session` keeps Auth.js's default shape `{ user: { name, email, image }, expires }`). */
const accountConfig = {
  ...config,
  callbacks: {
    session({ session, user, token }) {
      const source = user ?? session.user
      return {
        user: {
          id: user?.id ?? token?.sub ?? null,
          name: source?.name ?? null,
          email: source?.email ?? null,
          image: source?.image ?? null,
        },
        expires: session.expires?.toISOString?.() ?? session.expires,
      }
    },
  },
}

/** The Web `Request` for a Node request (body buffered). */
async function toRequest(req, origin) {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  let body
  if (req.method !== "GET" && req.method !== "HEAD") {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    body = Buffer.concat(chunks)
  }
  return new Request(new URL(req.url, origin), { method: req.method, headers, body })
}

/** Writes a Web `Response` to a Node response, every `Set-Cookie` header kept. */
async function send(res, response, extraCookies = []) {
  const headers = {}
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value
  })
  const cookies = [...extraCookies, ...response.headers.getSetCookie()]
  if (cookies.length) headers["set-cookie"] = cookies
  res.writeHead(response.status, headers)
  res.end(Buffer.from(await response.arrayBuffer()))
}

function json(res, status, value, cookies = []) {
  const headers = { "content-type": "application/json" }
  if (cookies.length) headers["set-cookie"] = cookies
  res.writeHead(status, headers)
  res.end(JSON.stringify(value))
}

async function handle(req, res, origin) {
  const url = new URL(req.url, origin)
  if (url.pathname === "/auth" || url.pathname.startsWith("/auth/")) {
    return send(res, await Auth(await toRequest(req, origin), config))
  }
  if (req.method === "GET" && url.pathname === "/account") {
    const headers = new Headers()
    if (req.headers.cookie) headers.set("cookie", req.headers.cookie)
    const response = await Auth(new Request(new URL("/auth/session", origin), { headers }), accountConfig)
    const session = response.ok ? await response.json() : null
    const cookies = response.headers.getSetCookie()
    if (!session?.user) return json(res, 401, null, cookies)
    return json(res, 200, session.user, cookies)
  }
  if (req.method === "GET" && url.pathname === "/test/links") {
    return json(res, 200, links.get(url.searchParams.get("email") ?? "") ?? [])
  }
  return json(res, 404, { error: "not found" })
}

const server = createServer((req, res) => {
  const origin = `http://${req.headers.host ?? `127.0.0.1:${server.address().port}`}`
  handle(req, res, origin).catch((e) => {
    console.error("authjs-app:", e)
    if (!res.headersSent) json(res, 500, { error: "internal" })
    else res.end()
  })
})
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(JSON.stringify({ port: server.address().port }))
})
