// The default tables of `@auth/drizzle-adapter` for drizzle-kit (`npm run generate-ddl`).
import { defineTables } from "../../node_modules/@auth/drizzle-adapter/lib/pg.js"

export const { usersTable, accountsTable, sessionsTable, verificationTokensTable, authenticatorsTable } = defineTables()
