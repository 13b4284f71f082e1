//! Run with: `cargo run -p example-custom-tables`
//!
//! Creates the app's own tables (`users` with `role`, `phone` and `created_at`, `accounts`, `sessions`, ...) in
//! `custom-tables.db` (or `DATABASE_URL`), then signs a user up and in through the adapter and reads the app's
//! typed user model back from the session.

use authjs_sea_orm::{AccountType, Adapter, AdapterAccount, AdapterSession, NewUser};
use chrono::{Duration, Utc};
use example_custom_tables::entities::users::NewProfile;
use example_custom_tables::migration::Migrator;
use sea_orm_migration::MigratorTrait;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    dotenvy::dotenv().ok();
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://custom-tables.db?mode=rwc".to_owned());
    let db = authjs_sea_orm::connect(&url).await?;
    Migrator::up(&db, None).await?;
    let adapter = example_custom_tables::adapter(db);

    let email = format!("ada+{}@example.com", uuid::Uuid::new_v4().simple());
    let user = adapter
        .create_user(NewUser {
            email: Some(email.clone()),
            name: Some("Ada".to_owned()),
            extra: NewProfile { role: Some("admin".to_owned()), phone: Some("+44 20 7946 0000".to_owned()) },
            ..NewUser::default()
        })
        .await?;
    println!("created user {} ({email}) with role {:?}", user.id, user.extra.role);

    adapter.link_account(AdapterAccount::new(&user.id, AccountType::Oauth, "github", "12345")).await.ok();
    let token = uuid::Uuid::new_v4().to_string();
    adapter
        .create_session(AdapterSession {
            session_token: token.clone(),
            user_id: user.id.clone(),
            expires: Utc::now() + Duration::days(30),
        })
        .await?;

    let (session, signed_in) = adapter.get_session_and_user(&token).await?.ok_or("session not found")?;
    let model = &signed_in.extra; // the app's own `users::Model`
    println!(
        "session for {} expires {}; role {}, phone {:?}, signed up {}",
        signed_in.email.as_deref().unwrap_or("-"),
        session.expires,
        model.role,
        model.phone,
        model.created_at
    );
    Ok(())
}
