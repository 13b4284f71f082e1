//! Run with: `cargo run -p migration -- up|down|status|fresh|refresh|reset`
//!
//! The database is `DATABASE_URL`, from the environment or a `.env` file; without one, the SQLite file `auth.db` in
//! the current directory (created if missing).
//!
//! On a database whose Auth.js tables exist already (a Next.js app's, created by drizzle-kit), `up` adopts them
//! (`authjs_sea_orm::migration::adopt`) and says so; `status` lists what was adopted. `--adopt-indexes` (or
//! `AUTHJS_ADOPT_INDEXES=true`) also adds this crate's `userId` and `expires` indexes to adopted tables after `up`.

use std::process::ExitCode;
use std::time::Duration;

use authjs_sea_orm::migration::adopt::{self, Adoption};
use clap::Parser;
use migration::Migrator;
use sea_orm_cli::MigrateSubcommands;
use sea_orm_migration::sea_orm::{DatabaseConnection, DbErr};

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
    /// After `up` (or `fresh`, `refresh`): add this crate's `userId` and `expires` indexes to adopted tables, where
    /// missing. Off by default: drizzle-kit `push` sees them as drift from the app's schema.
    #[arg(long, global = true, env = "AUTHJS_ADOPT_INDEXES")]
    adopt_indexes: bool,
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
    let command = Command::of(cli.command.as_ref());
    let result = async {
        let before = adopt::adoptions(&db).await?;
        if matches!(cli.command, Some(MigrateSubcommands::Fresh)) && !before.is_empty() {
            return Err("fresh drops every table of the database, the adopted tables of the app that owns them \
                        included: run `down` (forgets the adoption) or drop what you mean to yourself"
                .into());
        }
        sea_orm_migration::cli::run_migrate(Migrator, &db, cli.command, cli.verbose).await?;
        report_adoption(&db, command, &before, cli.adopt_indexes).await?;
        Ok::<(), Box<dyn std::error::Error>>(())
    };
    match result.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// What the subcommand does to the adoption record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Command {
    /// `up`, `fresh`, `refresh`, or no subcommand: may adopt.
    Up,
    /// `down`, `reset`: may forget an adoption.
    Down,
    Status,
    Other,
}

impl Command {
    fn of(command: Option<&MigrateSubcommands>) -> Command {
        match command {
            None | Some(MigrateSubcommands::Up { .. } | MigrateSubcommands::Fresh | MigrateSubcommands::Refresh) => {
                Command::Up
            }
            Some(MigrateSubcommands::Down { .. } | MigrateSubcommands::Reset) => Command::Down,
            Some(MigrateSubcommands::Status) => Command::Status,
            Some(_) => Command::Other,
        }
    }
}

/// Prints what the command changed in the adoption record (`before` it ran), or the record itself for `status`;
/// adds the optional indexes after `up` when asked.
async fn report_adoption(
    db: &DatabaseConnection,
    command: Command,
    before: &[Adoption],
    add_indexes: bool,
) -> Result<(), DbErr> {
    let after = adopt::adoptions(db).await?;
    match command {
        Command::Status if after.is_empty() => println!("Adopted tables: none"),
        Command::Status => print_adoptions("Adopted tables", &after),
        Command::Up if before.is_empty() && !after.is_empty() => {
            print_adoptions("Adopted the existing tables, checked and left unchanged", &after)
        }
        Command::Down if !before.is_empty() && after.is_empty() => {
            let tables: Vec<&str> = before.iter().map(|a| a.table.as_str()).collect();
            println!("Forgot the adoption of {}; the tables are left in place", tables.join(", "));
        }
        _ => {}
    }
    if add_indexes && command == Command::Up {
        let created = adopt::create_indexes(db).await?;
        if created.is_empty() {
            println!("Indexes for adopted tables: none to add");
        } else {
            println!("Indexes for adopted tables: created {}", created.join(", "));
        }
    }
    Ok(())
}

fn print_adoptions(title: &str, adoptions: &[Adoption]) {
    println!("{title} (recorded in {}):", adopt::RECORD_TABLE);
    for a in adoptions {
        let indexes = if a.indexes.is_empty() { "none".to_owned() } else { a.indexes.join(", ") };
        println!(
            "  {}: created by {}; adopted by {} at {}; indexes added: {indexes}",
            a.table,
            a.origin,
            a.migration,
            a.adopted_at.format("%Y-%m-%d %H:%M:%S UTC"),
        );
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
