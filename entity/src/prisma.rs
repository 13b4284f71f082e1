//! SeaORM entities for the tables of the Prisma adapter's schema (`@auth/prisma-adapter`, Auth.js v5): models
//! `User`, `Account`, `Session`, `VerificationToken` and `Authenticator` as documented for Auth.js v5, in the
//! tables Prisma's migrations create from them (PascalCase table names, camelCase columns, `createdAt` and
//! `updatedAt` on users, accounts and sessions).
//!
//! The adapter maps onto them with `authjs_sea_orm::prisma::PrismaTables`, which also fills what Prisma's client
//! fills and the database does not (a cuid for `User.id`, `createdAt`, `updatedAt`). Dates are [`Timestamp`]s in
//! columns of SeaORM type `Timestamp`: on SQLite Prisma 7 stores ISO-8601 text (`2026-01-02T03:04:05.678+00:00`),
//! and earlier Prisma versions integer epoch milliseconds; both read. Writing them yourself on SQLite, bind
//! that text.

use crate::{Timestamp, WideInt, redact_opt};

/// The `User` table.
pub mod user {
    use sea_orm::entity::prelude::*;

    use super::Timestamp;

    /// A row of `User`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "User")]
    pub struct Model {
        /// Primary key: a cuid made by the client (Prisma's `@default(cuid())`).
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        /// Display name.
        pub name: Option<String>,
        /// E-mail address, unique (`String?` as in the SQLite and MySQL variants of the documented schema; a
        /// PostgreSQL app's `String`, NOT NULL, reads alike).
        #[sea_orm(unique)]
        pub email: Option<String>,
        /// When the e-mail address was verified.
        #[sea_orm(column_name = "emailVerified", column_type = "Timestamp", nullable)]
        pub email_verified: Option<Timestamp>,
        /// Avatar URL.
        pub image: Option<String>,
        /// When the row was created.
        #[sea_orm(column_name = "createdAt", column_type = "Timestamp")]
        pub created_at: Timestamp,
        /// When the row was last written (Prisma's `@updatedAt`).
        #[sea_orm(column_name = "updatedAt", column_type = "Timestamp")]
        pub updated_at: Timestamp,
    }

    /// Relations of `User` (the other tables refer to it).
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `Account` table. Primary key `(provider, providerAccountId)`.
pub mod account {
    use sea_orm::entity::prelude::*;

    use super::{Timestamp, WideInt, redact_opt};

    /// A row of `Account`.
    #[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "Account")]
    pub struct Model {
        /// Owner, `User.id`.
        #[sea_orm(column_name = "userId")]
        pub user_id: String,
        /// `oauth`, `oidc`, `email` or `webauthn`.
        #[sea_orm(column_name = "type")]
        pub r#type: String,
        /// Provider id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub provider: String,
        /// The account's id at the provider.
        #[sea_orm(primary_key, auto_increment = false, column_name = "providerAccountId")]
        pub provider_account_id: String,
        /// OAuth refresh token (secret).
        #[sea_orm(column_type = "Text", nullable)]
        pub refresh_token: Option<String>,
        /// OAuth access token (secret).
        #[sea_orm(column_type = "Text", nullable)]
        pub access_token: Option<String>,
        /// Access token expiry, epoch seconds (Prisma `Int`: 32-bit).
        pub expires_at: Option<WideInt>,
        /// Token type.
        pub token_type: Option<String>,
        /// Granted scopes.
        pub scope: Option<String>,
        /// OpenID Connect id token (secret).
        #[sea_orm(column_type = "Text", nullable)]
        pub id_token: Option<String>,
        /// OAuth `session_state` (secret).
        pub session_state: Option<String>,
        /// When the row was created.
        #[sea_orm(column_name = "createdAt", column_type = "Timestamp")]
        pub created_at: Timestamp,
        /// When the row was last written.
        #[sea_orm(column_name = "updatedAt", column_type = "Timestamp")]
        pub updated_at: Timestamp,
    }

    impl std::fmt::Debug for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Model")
                .field("user_id", &self.user_id)
                .field("type", &self.r#type)
                .field("provider", &self.provider)
                .field("provider_account_id", &self.provider_account_id)
                .field("refresh_token", &redact_opt(&self.refresh_token))
                .field("access_token", &redact_opt(&self.access_token))
                .field("expires_at", &self.expires_at)
                .field("token_type", &self.token_type)
                .field("scope", &self.scope)
                .field("id_token", &redact_opt(&self.id_token))
                .field("session_state", &redact_opt(&self.session_state))
                .field("created_at", &self.created_at)
                .field("updated_at", &self.updated_at)
                .finish()
        }
    }

    /// Relations of `Account`.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// `Account.userId` → `User.id`, `ON DELETE CASCADE ON UPDATE CASCADE`.
        #[sea_orm(
            belongs_to = "super::user::Entity",
            from = "Column::UserId",
            to = "super::user::Column::Id",
            on_update = "Cascade",
            on_delete = "Cascade"
        )]
        User,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `Session` table. Prisma's model has no primary key, only the unique `sessionToken`, which this entity uses
/// as its key.
pub mod session {
    use sea_orm::entity::prelude::*;

    use super::Timestamp;

    /// A row of `Session`.
    #[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "Session")]
    pub struct Model {
        /// The session token (secret), unique.
        #[sea_orm(primary_key, auto_increment = false, column_name = "sessionToken")]
        pub session_token: String,
        /// Owner, `User.id`.
        #[sea_orm(column_name = "userId")]
        pub user_id: String,
        /// Expiry.
        #[sea_orm(column_type = "Timestamp")]
        pub expires: Timestamp,
        /// When the row was created.
        #[sea_orm(column_name = "createdAt", column_type = "Timestamp")]
        pub created_at: Timestamp,
        /// When the row was last written.
        #[sea_orm(column_name = "updatedAt", column_type = "Timestamp")]
        pub updated_at: Timestamp,
    }

    impl std::fmt::Debug for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Model")
                .field("session_token", &crate::REDACTED)
                .field("user_id", &self.user_id)
                .field("expires", &self.expires)
                .field("created_at", &self.created_at)
                .field("updated_at", &self.updated_at)
                .finish()
        }
    }

    /// Relations of `Session`.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// `Session.userId` → `User.id`, `ON DELETE CASCADE ON UPDATE CASCADE`.
        #[sea_orm(
            belongs_to = "super::user::Entity",
            from = "Column::UserId",
            to = "super::user::Column::Id",
            on_update = "Cascade",
            on_delete = "Cascade"
        )]
        User,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `VerificationToken` table. Primary key `(identifier, token)`.
pub mod verification_token {
    use sea_orm::entity::prelude::*;

    use super::Timestamp;

    /// A row of `VerificationToken`.
    #[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "VerificationToken")]
    pub struct Model {
        /// Who the token is for.
        #[sea_orm(primary_key, auto_increment = false)]
        pub identifier: String,
        /// The hashed token (secret).
        #[sea_orm(primary_key, auto_increment = false)]
        pub token: String,
        /// Expiry.
        #[sea_orm(column_type = "Timestamp")]
        pub expires: Timestamp,
    }

    impl std::fmt::Debug for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Model")
                .field("identifier", &self.identifier)
                .field("token", &crate::REDACTED)
                .field("expires", &self.expires)
                .finish()
        }
    }

    /// Relations of `VerificationToken`.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `Authenticator` table (WebAuthn). Primary key `(userId, credentialID)`; `credentialID` is unique.
pub mod authenticator {
    use sea_orm::entity::prelude::*;

    use super::WideInt;

    /// A row of `Authenticator`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "Authenticator")]
    pub struct Model {
        /// Credential id, unique.
        #[sea_orm(primary_key, auto_increment = false, column_name = "credentialID", unique)]
        pub credential_id: String,
        /// Owner, `User.id`.
        #[sea_orm(primary_key, auto_increment = false, column_name = "userId")]
        pub user_id: String,
        /// The WebAuthn account's provider account id.
        #[sea_orm(column_name = "providerAccountId")]
        pub provider_account_id: String,
        /// Public key.
        #[sea_orm(column_name = "credentialPublicKey")]
        pub credential_public_key: String,
        /// Signature counter (Prisma `Int`: 32-bit).
        pub counter: WideInt,
        /// Device type.
        #[sea_orm(column_name = "credentialDeviceType")]
        pub credential_device_type: String,
        /// Backed-up flag.
        #[sea_orm(column_name = "credentialBackedUp")]
        pub credential_backed_up: bool,
        /// Transports.
        pub transports: Option<String>,
    }

    /// Relations of `Authenticator`.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// `Authenticator.userId` → `User.id`, `ON DELETE CASCADE ON UPDATE CASCADE`.
        #[sea_orm(
            belongs_to = "super::user::Entity",
            from = "Column::UserId",
            to = "super::user::Column::Id",
            on_update = "Cascade",
            on_delete = "Cascade"
        )]
        User,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// The tables of next-auth v4's Prisma schema (`@next-auth/prisma-adapter`): `User` without `createdAt` and
/// `updatedAt`, `Account` and `Session` with their own cuid `id` keys, a unique `(provider, providerAccountId)`, and
/// `VerificationToken` with a unique `token` and a unique `(identifier, token)` instead of a primary key. The
/// `Authenticator` table is the v5 schema's ([`super::authenticator`]): next-auth v4 has no WebAuthn.
pub mod v4 {
    /// The `User` table of the v4 schema.
    pub mod user {
        use sea_orm::entity::prelude::*;

        use crate::Timestamp;

        /// A row of `User`.
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "User")]
        pub struct Model {
            /// Primary key: a cuid made by the client.
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: String,
            /// Display name.
            pub name: Option<String>,
            /// E-mail address, unique.
            #[sea_orm(unique)]
            pub email: Option<String>,
            /// When the e-mail address was verified.
            #[sea_orm(column_name = "emailVerified", column_type = "Timestamp", nullable)]
            pub email_verified: Option<Timestamp>,
            /// Avatar URL.
            pub image: Option<String>,
        }

        /// Relations of `User` (the other tables refer to it).
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    /// The `Account` table of the v4 schema: primary key `id`, `(provider, providerAccountId)` unique.
    pub mod account {
        use sea_orm::entity::prelude::*;

        use crate::{WideInt, redact_opt};

        /// A row of `Account`.
        #[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "Account")]
        pub struct Model {
            /// Primary key: a cuid made by the client.
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: String,
            /// Owner, `User.id`.
            #[sea_orm(column_name = "userId")]
            pub user_id: String,
            /// `oauth`, `oidc`, `email` or `webauthn`.
            #[sea_orm(column_name = "type")]
            pub r#type: String,
            /// Provider id.
            pub provider: String,
            /// The account's id at the provider.
            #[sea_orm(column_name = "providerAccountId")]
            pub provider_account_id: String,
            /// OAuth refresh token (secret).
            #[sea_orm(column_type = "Text", nullable)]
            pub refresh_token: Option<String>,
            /// OAuth access token (secret).
            #[sea_orm(column_type = "Text", nullable)]
            pub access_token: Option<String>,
            /// Access token expiry, epoch seconds (Prisma `Int`: 32-bit).
            pub expires_at: Option<WideInt>,
            /// Token type.
            pub token_type: Option<String>,
            /// Granted scopes.
            pub scope: Option<String>,
            /// OpenID Connect id token (secret).
            #[sea_orm(column_type = "Text", nullable)]
            pub id_token: Option<String>,
            /// OAuth `session_state` (secret).
            pub session_state: Option<String>,
        }

        impl std::fmt::Debug for Model {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Model")
                    .field("id", &self.id)
                    .field("user_id", &self.user_id)
                    .field("type", &self.r#type)
                    .field("provider", &self.provider)
                    .field("provider_account_id", &self.provider_account_id)
                    .field("refresh_token", &redact_opt(&self.refresh_token))
                    .field("access_token", &redact_opt(&self.access_token))
                    .field("expires_at", &self.expires_at)
                    .field("token_type", &self.token_type)
                    .field("scope", &self.scope)
                    .field("id_token", &redact_opt(&self.id_token))
                    .field("session_state", &redact_opt(&self.session_state))
                    .finish()
            }
        }

        /// Relations of `Account`.
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {
            /// `Account.userId` → `User.id`, `ON DELETE CASCADE ON UPDATE CASCADE`.
            #[sea_orm(
                belongs_to = "super::user::Entity",
                from = "Column::UserId",
                to = "super::user::Column::Id",
                on_update = "Cascade",
                on_delete = "Cascade"
            )]
            User,
        }

        impl ActiveModelBehavior for ActiveModel {}
    }

    /// The `Session` table of the v4 schema: primary key `id`, `sessionToken` unique.
    pub mod session {
        use sea_orm::entity::prelude::*;

        use crate::Timestamp;

        /// A row of `Session`.
        #[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "Session")]
        pub struct Model {
            /// Primary key: a cuid made by the client.
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: String,
            /// The session token (secret), unique.
            #[sea_orm(column_name = "sessionToken", unique)]
            pub session_token: String,
            /// Owner, `User.id`.
            #[sea_orm(column_name = "userId")]
            pub user_id: String,
            /// Expiry.
            #[sea_orm(column_type = "Timestamp")]
            pub expires: Timestamp,
        }

        impl std::fmt::Debug for Model {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Model")
                    .field("id", &self.id)
                    .field("session_token", &crate::REDACTED)
                    .field("user_id", &self.user_id)
                    .field("expires", &self.expires)
                    .finish()
            }
        }

        /// Relations of `Session`.
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {
            /// `Session.userId` → `User.id`, `ON DELETE CASCADE ON UPDATE CASCADE`.
            #[sea_orm(
                belongs_to = "super::user::Entity",
                from = "Column::UserId",
                to = "super::user::Column::Id",
                on_update = "Cascade",
                on_delete = "Cascade"
            )]
            User,
        }

        impl ActiveModelBehavior for ActiveModel {}
    }

    /// The `VerificationToken` table of the v4 schema: no primary key; `token` and `(identifier, token)` unique,
    /// which the entity uses as its key. The same columns as v5's: the same entity.
    pub use super::verification_token;
}
