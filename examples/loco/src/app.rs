//! The Loco application: boot, routes, initializers.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use authjs_sea_orm::axum::csrf;
use authjs_sea_orm_loco::AuthInitializer;
use example_loco_migration::Migrator;
use loco_rs::Result;
use loco_rs::app::{AppContext, Hooks, Initializer};
use loco_rs::bgworker::Queue;
use loco_rs::boot::{BootResult, StartMode, create_app};
use loco_rs::config::Config;
use loco_rs::controller::AppRoutes;
use loco_rs::environment::Environment;
use loco_rs::task::Tasks;
use sea_orm::EntityTrait;

use crate::controllers;
use crate::models::{_entities, AppAdapter, AppTables};

/// The app.
pub struct App;

/// `config/` of this crate, used when the current directory has none (`cargo run -p example-loco` from the
/// workspace root).
fn config_folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config")
}

#[async_trait]
impl Hooks for App {
    fn app_name() -> &'static str {
        env!("CARGO_CRATE_NAME")
    }

    fn app_version() -> String {
        env!("CARGO_PKG_VERSION").to_owned()
    }

    async fn boot(mode: StartMode, environment: &Environment, config: Config) -> Result<BootResult> {
        create_app::<Self, Migrator>(mode, environment, config).await
    }

    async fn load_config(env: &Environment) -> Result<Config> {
        let here = Path::new("config").join(format!("{env}.yaml"));
        if std::env::var_os("LOCO_CONFIG_FOLDER").is_some() || here.exists() {
            env.load()
        } else {
            env.load_from_folder(&config_folder())
        }
    }

    async fn initializers(_ctx: &AppContext) -> Result<Vec<Box<dyn Initializer>>> {
        // Builds the adapter on `ctx.db` over the app's tables (Loco's `users` and the auth tables) and puts an
        // `Auth<users::Model>` in the shared store for the controllers' `SignedIn` extractors.
        Ok(vec![Box::new(AuthInitializer::<AppTables>::new())])
    }

    fn routes(_ctx: &AppContext) -> AppRoutes {
        AppRoutes::with_default_routes().add_route(controllers::home::routes()).add_route(controllers::auth::routes())
    }

    async fn after_routes(router: axum::Router, ctx: &AppContext) -> Result<axum::Router> {
        // Every POST needs the CSRF token of the forms (the library's guard: 403 without); `AuthInitializer` stored
        // the session settings, whose secret signs the CSRF cookie (its `before_run` runs before the routes are built).
        let config = Arc::new(authjs_sea_orm_loco::auth::<AppAdapter>(ctx)?.config().clone());
        Ok(router.layer(axum::middleware::from_fn_with_state(config, csrf::guard)))
    }

    async fn connect_workers(_ctx: &AppContext, _queue: &Queue) -> Result<()> {
        Ok(())
    }

    fn register_tasks(_tasks: &mut Tasks) {}

    async fn truncate(ctx: &AppContext) -> Result<()> {
        // Children first; deleting users would cascade anyway.
        _entities::authenticators::Entity::delete_many().exec(&ctx.db).await?;
        _entities::sessions::Entity::delete_many().exec(&ctx.db).await?;
        _entities::accounts::Entity::delete_many().exec(&ctx.db).await?;
        _entities::verification_tokens::Entity::delete_many().exec(&ctx.db).await?;
        _entities::users::Entity::delete_many().exec(&ctx.db).await?;
        Ok(())
    }

    async fn seed(_ctx: &AppContext, _base: &Path) -> Result<()> {
        Ok(())
    }
}
