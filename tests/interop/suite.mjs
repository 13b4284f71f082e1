// Check 1: the real `@auth/drizzle-adapter` on a database created by the Rust migrations.
//
// Drives all 19 adapter methods through the scenario of Auth.js's adapter suite (`runBasicTests` of
// `@auth/core`'s `packages/utils/adapter.ts`, in its order, sharing state the same way, WebAuthn tests on), with
// `node:assert` instead of vitest. Direct reads (`db.user(id)`, ...) bypass the adapter, as the suite's `db` helpers
// do. Dates carry real milliseconds (the suite's fixtures zero them because Drizzle's MySQL `timestamp` drops them;
// our schema keeps them on every backend). Two extra cases check what our schema adds: a WebAuthn counter above
// 2^31 and an `expires_at` past 2038.
//
// Prints one line per case (`ok <name>` / `not ok <name>: <error>`), then a JSON summary line
// `{"passed": [...], "failed": [...], "methods": [...]}`; exits 1 if a case failed.
import assert from "node:assert/strict"
import { createHash, randomInt, randomUUID } from "node:crypto"
import { and, eq } from "drizzle-orm"
import { open } from "./lib/db.mjs"

const { db, adapter: drizzleAdapter, tables, close } = await open()
const { usersTable, accountsTable, sessionsTable, verificationTokensTable, authenticatorsTable } = tables

// Records every adapter method called, so the Rust side can check all 19 ran.
const called = new Set()
const adapter = new Proxy(drizzleAdapter, {
  get(target, name) {
    const value = target[name]
    if (typeof value !== "function") return value
    return (...args) => {
      called.add(name)
      return value.apply(target, args)
    }
  },
})

const first = async (query) => (await query)[0] ?? null
const dbHelpers = {
  user: (id) => first(db.select().from(usersTable).where(eq(usersTable.id, id))),
  session: (sessionToken) =>
    first(db.select().from(sessionsTable).where(eq(sessionsTable.sessionToken, sessionToken))),
  account: ({ provider, providerAccountId }) =>
    first(
      db
        .select()
        .from(accountsTable)
        .where(and(eq(accountsTable.provider, provider), eq(accountsTable.providerAccountId, providerAccountId))),
    ),
  verificationToken: ({ identifier, token }) =>
    first(
      db
        .select()
        .from(verificationTokensTable)
        .where(and(eq(verificationTokensTable.identifier, identifier), eq(verificationTokensTable.token, token))),
    ),
  authenticator: (credentialID) =>
    first(db.select().from(authenticatorsTable).where(eq(authenticatorsTable.credentialID, credentialID))),
}

const id = () => randomUUID()
const hashToken = (token) => createHash("sha256").update(`${token}anything`).digest("hex")
/** Now + `days`, with the given milliseconds (non-zero: a column that drops them is caught). */
const at = (days, ms) => {
  const d = new Date(Date.now() + days * 86_400_000)
  d.setMilliseconds(ms)
  return d
}
const ONE_WEEK_FROM_NOW = at(7, 321)
const ONE_MONTH_FROM_NOW = at(30, 432)
const FIFTEEN_MINUTES_FROM_NOW = new Date(Math.floor(Date.now() / 1000) * 1000 + 15 * 60_000 + 123)
const ONE_MONTH = 30 * 24 * 60 * 60

let user = {
  id: id(),
  email: `fill-${id()}@murray.com`,
  image: "https://www.fillmurray.com/460/300",
  name: "Fill Murray",
  emailVerified: at(0, 789),
}
const session = { sessionToken: id(), expires: ONE_WEEK_FROM_NOW }
const account = {
  provider: "github",
  providerAccountId: id(),
  type: "oauth",
  access_token: id(),
  expires_at: ONE_MONTH,
  id_token: id(),
  refresh_token: id(),
  token_type: "bearer",
  scope: "user",
  session_state: id(),
}

const cases = []
const test = (name, fn) => cases.push({ name, fn })

test("Required (User, Account, Session) methods exist", () => {
  for (const m of ["createUser", "getUser", "getUserByEmail", "getUserByAccount", "updateUser", "linkAccount",
    "createSession", "getSessionAndUser", "updateSession", "deleteSession"]) {
    assert.equal(typeof drizzleAdapter[m], "function", m)
  }
})

test("createUser", async () => {
  const { id } = await adapter.createUser(user)
  const dbUser = await dbHelpers.user(id)
  assert.deepEqual(dbUser, { ...user, id })
  user = dbUser
  session.userId = dbUser.id
  account.userId = dbUser.id
})

test("getUser", async () => {
  assert.equal(await adapter.getUser(id()), null)
  assert.deepEqual(await adapter.getUser(user.id), user)
})

test("getUserByEmail", async () => {
  assert.equal(await adapter.getUserByEmail("non-existent-email"), null)
  assert.deepEqual(await adapter.getUserByEmail(user.email), user)
})

test("createSession", async () => {
  const created = await adapter.createSession(session)
  assert.deepEqual(created, session)
  assert.deepEqual(await dbHelpers.session(created.sessionToken), session)
})

test("getSessionAndUser", async () => {
  assert.equal(await adapter.getSessionAndUser("invalid-token"), null)
  assert.deepEqual(await adapter.getSessionAndUser(session.sessionToken), { session, user })
})

test("updateUser", async () => {
  const newName = "Updated Name"
  const returned = await adapter.updateUser({ id: user.id, name: newName })
  assert.deepEqual(returned, { ...user, name: newName })
  const dbUser = await dbHelpers.user(user.id)
  assert.equal(dbUser.name, newName)
  user.name = newName
})

test("updateSession", async () => {
  let dbSession = await dbHelpers.session(session.sessionToken)
  const expires = ONE_MONTH_FROM_NOW
  assert.notEqual(dbSession.expires.valueOf(), expires.valueOf())
  const returned = await adapter.updateSession({ sessionToken: session.sessionToken, expires })
  assert.deepEqual(returned, { ...session, expires })
  dbSession = await dbHelpers.session(session.sessionToken)
  assert.equal(dbSession.expires.valueOf(), expires.valueOf())
  session.expires = expires
  assert.equal(await adapter.updateSession({ sessionToken: "invalid-token", expires }) ?? null, null)
})

test("linkAccount", async () => {
  await adapter.linkAccount(account)
  assert.deepEqual(await dbHelpers.account(account), account)
})

test("getUserByAccount", async () => {
  assert.equal(
    await adapter.getUserByAccount({ provider: "invalid-provider", providerAccountId: "invalid-provider-account-id" }),
    null,
  )
  const { provider, providerAccountId } = account
  assert.deepEqual(await adapter.getUserByAccount({ provider, providerAccountId }), user)
})

test("deleteSession", async () => {
  await adapter.deleteSession(session.sessionToken)
  assert.equal(await dbHelpers.session(session.sessionToken), null)
})

test("Verification Token methods exist", () => {
  assert.equal(typeof drizzleAdapter.createVerificationToken, "function")
  assert.equal(typeof drizzleAdapter.useVerificationToken, "function")
})

test("createVerificationToken", async () => {
  const verificationToken = {
    token: hashToken(id()),
    identifier: "info@example.com",
    expires: FIFTEEN_MINUTES_FROM_NOW,
  }
  assert.deepEqual(await adapter.createVerificationToken(verificationToken), verificationToken)
  assert.deepEqual(await dbHelpers.verificationToken(verificationToken), verificationToken)
})

test("useVerificationToken", async () => {
  const token = id()
  const hashedToken = hashToken(token)
  const verificationToken = { token: hashedToken, identifier: "info@example.com", expires: FIFTEEN_MINUTES_FROM_NOW }
  await adapter.createVerificationToken(verificationToken)
  const dbVerificationToken1 = await adapter.useVerificationToken({
    identifier: verificationToken.identifier,
    token: hashedToken,
  })
  assert.deepEqual(dbVerificationToken1, verificationToken)
  assert.equal(await dbHelpers.verificationToken(verificationToken), null)
  const dbVerificationToken2 = await adapter.useVerificationToken({
    identifier: verificationToken.identifier,
    token: hashedToken,
  })
  assert.equal(dbVerificationToken2, null)
  // The primary key slot was freed: the same token can be stored again; a wrong identifier does not use it.
  await adapter.createVerificationToken(verificationToken)
  assert.equal(await adapter.useVerificationToken({ identifier: "invalid@identifier.com", token: hashedToken }), null)
  assert.deepEqual(await dbHelpers.verificationToken(verificationToken), verificationToken)
})

test("Future methods exist", () => {
  assert.equal(typeof drizzleAdapter.unlinkAccount, "function")
  assert.equal(typeof drizzleAdapter.deleteUser, "function")
})

test("unlinkAccount", async () => {
  assert.deepEqual(await dbHelpers.account(account), account)
  await adapter.unlinkAccount({ provider: account.provider, providerAccountId: account.providerAccountId })
  assert.equal(await dbHelpers.account(account), null)
})

test("deleteUser", async () => {
  assert.deepEqual(await dbHelpers.user(user.id), user)
  await adapter.createSession(session)
  await adapter.linkAccount(account)
  await adapter.deleteUser(user.id)
  // Cascades through the foreign keys of our migration.
  assert.equal(await dbHelpers.user(user.id), null)
  assert.equal(await dbHelpers.session(session.sessionToken), null)
  assert.equal(await dbHelpers.account(account), null)
})

test("getAccount", async () => {
  const providerAccountId = id()
  const provider = "auth0"
  const localUser = await adapter.createUser({ id: id(), email: `getAccount-${id()}@example.com`, emailVerified: null })
  await adapter.linkAccount({ provider, providerAccountId, type: "oauth", userId: localUser.id })
  assert.equal(await adapter.getAccount("invalid-provider-account-id", "invalid-provider"), null)
  assert.equal(await adapter.getAccount(providerAccountId, "invalid-provider"), null)
  assert.equal(await adapter.getAccount("invalid-provider-account-id", provider), null)
  const dbAccount = await adapter.getAccount(providerAccountId, provider)
  // Absent token fields are stored and read back as null.
  assert.deepEqual(dbAccount, {
    userId: localUser.id, type: "oauth", provider, providerAccountId, refresh_token: null, access_token: null,
    expires_at: null, token_type: null, scope: null, id_token: null, session_state: null,
  })
  assert.deepEqual(await dbHelpers.account({ provider, providerAccountId }), dbAccount)
})

/** A user with a WebAuthn account and an authenticator's data (not created yet). */
async function webauthnUser(transports) {
  const localUser = await adapter.createUser({ id: id(), email: `webauthn-${id()}@example.com`, emailVerified: null })
  const credentialID = id()
  await adapter.linkAccount({
    provider: "webauthn", providerAccountId: credentialID, type: "webauthn", userId: localUser.id,
  })
  return {
    credentialID,
    providerAccountId: credentialID,
    userId: localUser.id,
    counter: randomInt(100),
    credentialBackedUp: true,
    credentialDeviceType: "platform",
    credentialPublicKey: id(),
    transports,
  }
}

test("createAuthenticator", async () => {
  const data = await webauthnUser("usb,ble,nfc")
  const returned = await adapter.createAuthenticator(data)
  assert.deepEqual(returned, data)
  assert.deepEqual(await dbHelpers.authenticator(data.credentialID), data)
  const noTransports = { ...(await webauthnUser(null)), credentialBackedUp: false }
  assert.deepEqual(await adapter.createAuthenticator(noTransports), noTransports)
  assert.deepEqual(await dbHelpers.authenticator(noTransports.credentialID), noTransports)
})

test("getAuthenticator", async () => {
  const data = await webauthnUser("usb,ble,nfc")
  await adapter.createAuthenticator(data)
  assert.equal(await adapter.getAuthenticator("invalid-credential-id"), null)
  const authenticator = await adapter.getAuthenticator(data.credentialID)
  assert.deepEqual(authenticator, data)
  assert.deepEqual(await dbHelpers.authenticator(data.credentialID), authenticator)
})

test("listAuthenticatorsByUserId", async () => {
  const a1 = await webauthnUser("usb,ble,nfc")
  const credentialID2 = id()
  await adapter.linkAccount({
    provider: "webauthn", providerAccountId: credentialID2, type: "webauthn", userId: a1.userId,
  })
  const a2 = { ...a1, credentialID: credentialID2, providerAccountId: credentialID2, transports: "usb,nfc" }
  const a3 = await webauthnUser("usb,ble")
  for (const a of [a1, a2, a3]) await adapter.createAuthenticator(a)
  assert.deepEqual(await adapter.listAuthenticatorsByUserId("invalid-user-id"), [])
  // Set equality (the suite's `arrayContaining` check would let an empty list pass).
  const byId = (x, y) => x.credentialID.localeCompare(y.credentialID)
  assert.deepEqual((await adapter.listAuthenticatorsByUserId(a1.userId)).sort(byId), [a1, a2].sort(byId))
  assert.deepEqual(await adapter.listAuthenticatorsByUserId(a3.userId), [a3])
})

test("updateAuthenticatorCounter", async () => {
  const data = await webauthnUser("usb,ble,nfc")
  await adapter.createAuthenticator(data)
  await assert.rejects(adapter.updateAuthenticatorCounter("invalid-credential-id", randomInt(100)))
  const newCounter = data.counter + randomInt(100)
  const updated = await adapter.updateAuthenticatorCounter(data.credentialID, newCounter)
  assert.deepEqual(updated, { ...data, counter: newCounter })
  assert.equal((await dbHelpers.authenticator(data.credentialID)).counter, newCounter)
})

// Beyond the suite: what our schema adds (64-bit `counter` and `expires_at`) works through Drizzle too.
test("counter above 2^31 (our bigint column)", async () => {
  const data = await webauthnUser("internal")
  await adapter.createAuthenticator(data)
  const max = 2 ** 32 - 1 // a WebAuthn signature counter is an unsigned 32-bit value
  assert.equal((await adapter.updateAuthenticatorCounter(data.credentialID, max)).counter, max)
  assert.equal((await adapter.getAuthenticator(data.credentialID)).counter, max)
})

test("expires_at after 2038 (our bigint column)", async () => {
  const localUser = await adapter.createUser({ id: id(), email: `expires-${id()}@example.com`, emailVerified: null })
  const linked = { ...account, providerAccountId: id(), userId: localUser.id, expires_at: 4_102_444_800 } // 2100
  await adapter.linkAccount(linked)
  assert.deepEqual(await adapter.getAccount(linked.providerAccountId, linked.provider), linked)
})

const passed = []
const failed = []
try {
  for (const { name, fn } of cases) {
    try {
      await fn()
      passed.push(name)
      console.log(`ok ${name}`)
    } catch (e) {
      failed.push(name)
      console.log(`not ok ${name}: ${e?.stack ?? e}${e?.cause ? `\ncaused by: ${e.cause?.stack ?? e.cause}` : ""}`)
    }
  }
} finally {
  await close()
}
console.log(JSON.stringify({ passed, failed, methods: [...called].sort() }))
process.exit(failed.length === 0 ? 0 : 1)
