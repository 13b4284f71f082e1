//! Short table mappings: `user_table!`, `account_table!`, `session_table!`, `verification_token_table!` and
//! `authenticator_table!` implement the table traits of [`crate::schema`] on the `Entity` of the module they are
//! invoked in, naming each Auth.js field's column by its Auth.js name (the `Column` variant SeaORM derives from a
//! field `user_id`, `userId` or `user_id` renamed: `UserId`), with `field = Variant` overrides for what differs.
//!
//! A field or a column that does not exist is a compile error. Each macro has a rule per field that replaces one
//! position of the list of columns; the last rule writes the impl.

/// Implements [`UserTable`](crate::schema::UserTable) on the `Entity` of the current module.
///
/// Columns default to their Auth.js names (`Id`, `Name`, `Email`, `EmailVerified`, `Image`); override any with
/// `field = Variant`, and the optional ones (`name`, `email_verified`, `image`) with `field = None` when the table
/// has no such column. `id_kind = Text | Uuid | AutoIncrement` ([`IdKind`](crate::schema::IdKind), `Text` by
/// default). `extra = Model` makes reads return the whole model in [`AdapterUser::extra`](crate::AdapterUser::extra)
/// (`()` by default). Sign-ups take no extra values (`NewExtra = ()`): a table whose extra columns need values on
/// insert implements the trait by hand.
///
/// ```
/// mod users {
///     use sea_orm::entity::prelude::*;
///
///     #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
///     #[sea_orm(table_name = "users")]
///     pub struct Model {
///         #[sea_orm(primary_key)]
///         pub id: i64,
///         pub display_name: String,
///         #[sea_orm(unique)]
///         pub email: String,
///         pub email_verified: Option<authjs_sea_orm::entity::Timestamp>,
///     }
///
///     #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
///     pub enum Relation {}
///
///     impl ActiveModelBehavior for ActiveModel {}
///
///     authjs_sea_orm::user_table!(id_kind = AutoIncrement, name = DisplayName, image = None, extra = Model);
/// }
/// ```
#[macro_export]
macro_rules! user_table {
    ($($field:ident = $value:ident),* $(,)?) => {
        $crate::user_table!(@set [Text, Id, (Name), Email, (EmailVerified), (Image), ()]; $($field = $value,)*);
    };
    (@set [$($slot:tt),*];) => {
        $crate::user_table!(@impl $($slot),*);
    };
    (@set [$k:tt, $i:tt, $n:tt, $e:tt, $v:tt, $m:tt, $x:tt]; id_kind = $new:ident, $($rest:tt)*) => {
        $crate::user_table!(@set [$new, $i, $n, $e, $v, $m, $x]; $($rest)*);
    };
    (@set [$k:tt, $i:tt, $n:tt, $e:tt, $v:tt, $m:tt, $x:tt]; id = $new:ident, $($rest:tt)*) => {
        $crate::user_table!(@set [$k, $new, $n, $e, $v, $m, $x]; $($rest)*);
    };
    (@set [$k:tt, $i:tt, $n:tt, $e:tt, $v:tt, $m:tt, $x:tt]; name = None, $($rest:tt)*) => {
        $crate::user_table!(@set [$k, $i, (), $e, $v, $m, $x]; $($rest)*);
    };
    (@set [$k:tt, $i:tt, $n:tt, $e:tt, $v:tt, $m:tt, $x:tt]; name = $new:ident, $($rest:tt)*) => {
        $crate::user_table!(@set [$k, $i, ($new), $e, $v, $m, $x]; $($rest)*);
    };
    (@set [$k:tt, $i:tt, $n:tt, $e:tt, $v:tt, $m:tt, $x:tt]; email = $new:ident, $($rest:tt)*) => {
        $crate::user_table!(@set [$k, $i, $n, $new, $v, $m, $x]; $($rest)*);
    };
    (@set [$k:tt, $i:tt, $n:tt, $e:tt, $v:tt, $m:tt, $x:tt]; email_verified = None, $($rest:tt)*) => {
        $crate::user_table!(@set [$k, $i, $n, $e, (), $m, $x]; $($rest)*);
    };
    (@set [$k:tt, $i:tt, $n:tt, $e:tt, $v:tt, $m:tt, $x:tt]; email_verified = $new:ident, $($rest:tt)*) => {
        $crate::user_table!(@set [$k, $i, $n, $e, ($new), $m, $x]; $($rest)*);
    };
    (@set [$k:tt, $i:tt, $n:tt, $e:tt, $v:tt, $m:tt, $x:tt]; image = None, $($rest:tt)*) => {
        $crate::user_table!(@set [$k, $i, $n, $e, $v, (), $x]; $($rest)*);
    };
    (@set [$k:tt, $i:tt, $n:tt, $e:tt, $v:tt, $m:tt, $x:tt]; image = $new:ident, $($rest:tt)*) => {
        $crate::user_table!(@set [$k, $i, $n, $e, $v, ($new), $x]; $($rest)*);
    };
    (@set [$k:tt, $i:tt, $n:tt, $e:tt, $v:tt, $m:tt, $x:tt]; extra = $new:ident, $($rest:tt)*) => {
        $crate::user_table!(@set [$k, $i, $n, $e, $v, $m, ($new)]; $($rest)*);
    };
    (@impl $kind:ident, $id:ident, $name:tt, $email:ident, $verified:tt, $image:tt, $extra:tt) => {
        impl $crate::schema::UserTable for Entity {
            type Extra = $crate::__user_extra!(type $extra);
            type NewExtra = ();
            const ID_KIND: $crate::schema::IdKind = $crate::schema::IdKind::$kind;
            const ID: Column = Column::$id;
            const NAME: Option<Column> = $crate::__optional_column!($name);
            const EMAIL: Column = Column::$email;
            const EMAIL_VERIFIED: Option<Column> = $crate::__optional_column!($verified);
            const IMAGE: Option<Column> = $crate::__optional_column!($image);

            fn extra(model: &Model) -> Self::Extra {
                $crate::__user_extra!(value $extra model)
            }

            fn new_extra_values(_: (), _: $crate::__private::sea_orm::DbBackend) -> Vec<(Column, $crate::__private::sea_orm::Value)> {
                Vec::new()
            }
        }
    };
}

/// Implements [`AccountTable`](crate::schema::AccountTable) on the `Entity` of the current module: the accounts table's columns
/// named after the Auth.js fields (`UserId`, `Type`, `Provider`, `ProviderAccountId`, `RefreshToken`, `AccessToken`, `ExpiresAt`, `TokenType`, `Scope`, `IdToken`, `SessionState`) unless overridden with `field = Variant`.
#[macro_export]
macro_rules! account_table {
    ($($field:ident = $value:ident),* $(,)?) => {
        $crate::account_table!(@set [UserId, Type, Provider, ProviderAccountId, RefreshToken, AccessToken, ExpiresAt, TokenType, Scope, IdToken, SessionState]; $($field = $value,)*);
    };
    (@set [$($slot:ident),*];) => {
        $crate::account_table!(@impl $($slot),*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident, $s8:ident, $s9:ident, $s10:ident]; user_id = $new:ident, $($rest:tt)*) => {
        $crate::account_table!(@set [$new, $s1, $s2, $s3, $s4, $s5, $s6, $s7, $s8, $s9, $s10]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident, $s8:ident, $s9:ident, $s10:ident]; r#type = $new:ident, $($rest:tt)*) => {
        $crate::account_table!(@set [$s0, $new, $s2, $s3, $s4, $s5, $s6, $s7, $s8, $s9, $s10]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident, $s8:ident, $s9:ident, $s10:ident]; provider = $new:ident, $($rest:tt)*) => {
        $crate::account_table!(@set [$s0, $s1, $new, $s3, $s4, $s5, $s6, $s7, $s8, $s9, $s10]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident, $s8:ident, $s9:ident, $s10:ident]; provider_account_id = $new:ident, $($rest:tt)*) => {
        $crate::account_table!(@set [$s0, $s1, $s2, $new, $s4, $s5, $s6, $s7, $s8, $s9, $s10]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident, $s8:ident, $s9:ident, $s10:ident]; refresh_token = $new:ident, $($rest:tt)*) => {
        $crate::account_table!(@set [$s0, $s1, $s2, $s3, $new, $s5, $s6, $s7, $s8, $s9, $s10]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident, $s8:ident, $s9:ident, $s10:ident]; access_token = $new:ident, $($rest:tt)*) => {
        $crate::account_table!(@set [$s0, $s1, $s2, $s3, $s4, $new, $s6, $s7, $s8, $s9, $s10]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident, $s8:ident, $s9:ident, $s10:ident]; expires_at = $new:ident, $($rest:tt)*) => {
        $crate::account_table!(@set [$s0, $s1, $s2, $s3, $s4, $s5, $new, $s7, $s8, $s9, $s10]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident, $s8:ident, $s9:ident, $s10:ident]; token_type = $new:ident, $($rest:tt)*) => {
        $crate::account_table!(@set [$s0, $s1, $s2, $s3, $s4, $s5, $s6, $new, $s8, $s9, $s10]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident, $s8:ident, $s9:ident, $s10:ident]; scope = $new:ident, $($rest:tt)*) => {
        $crate::account_table!(@set [$s0, $s1, $s2, $s3, $s4, $s5, $s6, $s7, $new, $s9, $s10]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident, $s8:ident, $s9:ident, $s10:ident]; id_token = $new:ident, $($rest:tt)*) => {
        $crate::account_table!(@set [$s0, $s1, $s2, $s3, $s4, $s5, $s6, $s7, $s8, $new, $s10]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident, $s8:ident, $s9:ident, $s10:ident]; session_state = $new:ident, $($rest:tt)*) => {
        $crate::account_table!(@set [$s0, $s1, $s2, $s3, $s4, $s5, $s6, $s7, $s8, $s9, $new]; $($rest)*);
    };
    (@impl $s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident, $s8:ident, $s9:ident, $s10:ident) => {
        impl $crate::schema::AccountTable for Entity {
            const USER_ID: Column = Column::$s0;
            const TYPE: Column = Column::$s1;
            const PROVIDER: Column = Column::$s2;
            const PROVIDER_ACCOUNT_ID: Column = Column::$s3;
            const REFRESH_TOKEN: Column = Column::$s4;
            const ACCESS_TOKEN: Column = Column::$s5;
            const EXPIRES_AT: Column = Column::$s6;
            const TOKEN_TYPE: Column = Column::$s7;
            const SCOPE: Column = Column::$s8;
            const ID_TOKEN: Column = Column::$s9;
            const SESSION_STATE: Column = Column::$s10;
        }
    };
}

/// Implements [`SessionTable`](crate::schema::SessionTable) on the `Entity` of the current module: the sessions table's columns
/// named after the Auth.js fields (`SessionToken`, `UserId`, `Expires`) unless overridden with `field = Variant`.
#[macro_export]
macro_rules! session_table {
    ($($field:ident = $value:ident),* $(,)?) => {
        $crate::session_table!(@set [SessionToken, UserId, Expires]; $($field = $value,)*);
    };
    (@set [$($slot:ident),*];) => {
        $crate::session_table!(@impl $($slot),*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident]; session_token = $new:ident, $($rest:tt)*) => {
        $crate::session_table!(@set [$new, $s1, $s2]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident]; user_id = $new:ident, $($rest:tt)*) => {
        $crate::session_table!(@set [$s0, $new, $s2]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident]; expires = $new:ident, $($rest:tt)*) => {
        $crate::session_table!(@set [$s0, $s1, $new]; $($rest)*);
    };
    (@impl $s0:ident, $s1:ident, $s2:ident) => {
        impl $crate::schema::SessionTable for Entity {
            const SESSION_TOKEN: Column = Column::$s0;
            const USER_ID: Column = Column::$s1;
            const EXPIRES: Column = Column::$s2;
        }
    };
}

/// Implements [`VerificationTokenTable`](crate::schema::VerificationTokenTable) on the `Entity` of the current module: the verification tokens table's columns
/// named after the Auth.js fields (`Identifier`, `Token`, `Expires`) unless overridden with `field = Variant`.
#[macro_export]
macro_rules! verification_token_table {
    ($($field:ident = $value:ident),* $(,)?) => {
        $crate::verification_token_table!(@set [Identifier, Token, Expires]; $($field = $value,)*);
    };
    (@set [$($slot:ident),*];) => {
        $crate::verification_token_table!(@impl $($slot),*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident]; identifier = $new:ident, $($rest:tt)*) => {
        $crate::verification_token_table!(@set [$new, $s1, $s2]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident]; token = $new:ident, $($rest:tt)*) => {
        $crate::verification_token_table!(@set [$s0, $new, $s2]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident]; expires = $new:ident, $($rest:tt)*) => {
        $crate::verification_token_table!(@set [$s0, $s1, $new]; $($rest)*);
    };
    (@impl $s0:ident, $s1:ident, $s2:ident) => {
        impl $crate::schema::VerificationTokenTable for Entity {
            const IDENTIFIER: Column = Column::$s0;
            const TOKEN: Column = Column::$s1;
            const EXPIRES: Column = Column::$s2;
        }
    };
}

/// Implements [`AuthenticatorTable`](crate::schema::AuthenticatorTable) on the `Entity` of the current module: the authenticators table's columns
/// named after the Auth.js fields (`CredentialId`, `UserId`, `ProviderAccountId`, `CredentialPublicKey`, `Counter`, `CredentialDeviceType`, `CredentialBackedUp`, `Transports`) unless overridden with `field = Variant`.
#[macro_export]
macro_rules! authenticator_table {
    ($($field:ident = $value:ident),* $(,)?) => {
        $crate::authenticator_table!(@set [CredentialId, UserId, ProviderAccountId, CredentialPublicKey, Counter, CredentialDeviceType, CredentialBackedUp, Transports]; $($field = $value,)*);
    };
    (@set [$($slot:ident),*];) => {
        $crate::authenticator_table!(@impl $($slot),*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident]; credential_id = $new:ident, $($rest:tt)*) => {
        $crate::authenticator_table!(@set [$new, $s1, $s2, $s3, $s4, $s5, $s6, $s7]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident]; user_id = $new:ident, $($rest:tt)*) => {
        $crate::authenticator_table!(@set [$s0, $new, $s2, $s3, $s4, $s5, $s6, $s7]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident]; provider_account_id = $new:ident, $($rest:tt)*) => {
        $crate::authenticator_table!(@set [$s0, $s1, $new, $s3, $s4, $s5, $s6, $s7]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident]; credential_public_key = $new:ident, $($rest:tt)*) => {
        $crate::authenticator_table!(@set [$s0, $s1, $s2, $new, $s4, $s5, $s6, $s7]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident]; counter = $new:ident, $($rest:tt)*) => {
        $crate::authenticator_table!(@set [$s0, $s1, $s2, $s3, $new, $s5, $s6, $s7]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident]; credential_device_type = $new:ident, $($rest:tt)*) => {
        $crate::authenticator_table!(@set [$s0, $s1, $s2, $s3, $s4, $new, $s6, $s7]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident]; credential_backed_up = $new:ident, $($rest:tt)*) => {
        $crate::authenticator_table!(@set [$s0, $s1, $s2, $s3, $s4, $s5, $new, $s7]; $($rest)*);
    };
    (@set [$s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident]; transports = $new:ident, $($rest:tt)*) => {
        $crate::authenticator_table!(@set [$s0, $s1, $s2, $s3, $s4, $s5, $s6, $new]; $($rest)*);
    };
    (@impl $s0:ident, $s1:ident, $s2:ident, $s3:ident, $s4:ident, $s5:ident, $s6:ident, $s7:ident) => {
        impl $crate::schema::AuthenticatorTable for Entity {
            const CREDENTIAL_ID: Column = Column::$s0;
            const USER_ID: Column = Column::$s1;
            const PROVIDER_ACCOUNT_ID: Column = Column::$s2;
            const CREDENTIAL_PUBLIC_KEY: Column = Column::$s3;
            const COUNTER: Column = Column::$s4;
            const CREDENTIAL_DEVICE_TYPE: Column = Column::$s5;
            const CREDENTIAL_BACKED_UP: Column = Column::$s6;
            const TRANSPORTS: Column = Column::$s7;
        }
    };
}
#[doc(hidden)]
#[macro_export]
macro_rules! __optional_column {
    (()) => {
        None
    };
    (($column:ident)) => {
        Some(Column::$column)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __user_extra {
    (type ()) => {
        ()
    };
    (type ($model:ident)) => {
        $model
    };
    (value () $m:ident) => {{
        let _ = $m;
    }};
    (value ($model:ident) $m:ident) => {
        ::std::clone::Clone::clone($m)
    };
}
