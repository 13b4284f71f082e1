//! Run with: `cargo run -p migration -- up|down|status|fresh|refresh|reset`
//!
//! The database is `DATABASE_URL`, from the environment or a `.env` file; without one, the SQLite file `auth.db` in
//! the current directory (created if missing).

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use migration::Migrator;
use sea_orm_cli::MigrateSubcommands;

/// The SQLite file used when `DATABASE_URL` is not set.
const DEFAULT_DATABASE_URL: &str = "sqlite://auth.db?mode=rwc";

#[derive(Parser)]
#[command(version, about = "Creates, inspects and removes the Auth.js tables")]
struct Cli {
    /// Show debug messages.
    #[arg(short = 'v', long, global = true)]
    verbose: bool,
    /// Database URL (default: the SQLite file auth.db).
    #[arg(short = 'u', long, global = true, env = "DATABASE_URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Option<MigrateSubcommands>,
}

#[tokio::main]
async fn main() -> ExitCode {
    // Read .env before clap looks at DATABASE_URL.
    dotenvy::dotenv().ok();
    let cli = Cli::parse();
    let url = cli.database_url.unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    eprintln!("Using database {}", without_password(&url));

    // Fail fast on an unreachable server instead of waiting for the pool's default 30 s.
    let mut options = authjs_sea_orm::connect_options(&url);
    options.connect_timeout(Duration::from_secs(5)).acquire_timeout(Duration::from_secs(5));
    let db = match sea_orm_migration::sea_orm::Database::connect(options).await {
        Ok(db) => db,
        Err(err) => {
            eprintln!("error: cannot connect to {}: {err}", without_password(&url));
            return ExitCode::FAILURE;
        }
    };
    match sea_orm_migration::cli::run_migrate(Migrator, &db, cli.command, cli.verbose).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `url` with the password of its user-info part replaced by `***`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => match rest[..at].split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***{}", &rest[at..]),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn hides_the_password() {
        assert_eq!(without_password("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(without_password("mysql://u@h/db"), "mysql://u@h/db");
        assert_eq!(without_password("sqlite://auth.db?mode=rwc"), "sqlite://auth.db?mode=rwc");
    }
}
