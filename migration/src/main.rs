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
    eprintln!("Using database {}", shown(&url));

    // Fail fast on an unreachable server instead of waiting for the pool's default 30 s.
    let mut options = authjs_sea_orm::connect_options(&url);
    options.connect_timeout(Duration::from_secs(5)).acquire_timeout(Duration::from_secs(5));
    let db = match sea_orm_migration::sea_orm::Database::connect(options).await {
        Ok(db) => db,
        Err(err) => {
            // sea-orm quotes a URL it cannot parse or has no driver for, whole.
            let err = if url.is_empty() { err.to_string() } else { err.to_string().replace(&url, &shown(&url)) };
            eprintln!("error: cannot connect to {}: {err}", shown(&url));
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

/// What is printed instead of a database URL that cannot be shown without risk.
const HIDDEN_URL: &str = "<DATABASE_URL, not shown: not a URL that parses without ambiguity>";

/// What the runner prints of the database URL `url`: its scheme, host, port and path (the database, or SQLite's file),
/// never its user name, password, query (which may hold `?password=`) or fragment. [`HIDDEN_URL`] when `url` does not
/// parse, or when an `@` follows its host: a password with an unencoded `/`, `?` or `#` before its `@` ends the host
/// early (`postgres://u:12/secret@h/db` parses as host `u`, port 12, path `/secret@h/db`), so the path could hold it.
fn shown(url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url) else {
        return HIDDEN_URL.to_owned();
    };
    let after_host = [Some(parsed.path()), parsed.query(), parsed.fragment()];
    if after_host.into_iter().flatten().any(|part| part.contains('@')) {
        return HIDDEN_URL.to_owned();
    }
    if parsed.cannot_be_a_base() {
        // `sqlite::memory:`, `sqlite:auth.db`: no authority.
        return format!("{}:{}", parsed.scheme(), parsed.path());
    }
    let host = parsed.host_str().unwrap_or_default();
    let port = parsed.port().map(|port| format!(":{port}")).unwrap_or_default();
    format!("{}://{host}{port}{}", parsed.scheme(), parsed.path())
}

#[cfg(test)]
mod tests {
    use super::{HIDDEN_URL, shown};

    #[test]
    fn shows_no_secret() {
        for (url, expected) in [
            ("postgres://u:secret@h:5432/db", "postgres://h:5432/db"),
            ("postgres://u:p%2Fsecret@h/db", "postgres://h/db"),
            ("postgres://h/db?password=secret&sslmode=require", "postgres://h/db"),
            ("mysql://u:secret@h:3306/db", "mysql://h:3306/db"),
            ("mysql://u@h/db", "mysql://h/db"),
            ("postgres://u:p@ss@h/db", "postgres://h/db"),
            ("postgres://[::1]:5432/db", "postgres://[::1]:5432/db"),
            ("sqlite:///tmp/x.db?mode=rwc", "sqlite:///tmp/x.db"),
            ("sqlite://auth.db?mode=rwc", "sqlite://auth.db"),
            ("sqlite::memory:", "sqlite::memory:"),
            ("sqlite:auth.db", "sqlite:auth.db"),
            // A password with an unencoded `/`: no port (refused), or one (the rest would be in the path).
            ("postgres://u:pa/secret@h/db", HIDDEN_URL),
            ("postgres://u:123/secret@h/db", HIDDEN_URL),
            ("postgres://u:/secret@h/db", HIDDEN_URL),
            ("postgres://u:12?secret@h/db", HIDDEN_URL),
            ("postgres://u:12#secret@h/db", HIDDEN_URL),
            ("nonsense", HIDDEN_URL),
            ("", HIDDEN_URL),
        ] {
            assert_eq!(shown(url), expected, "{url}");
            assert!(!shown(url).contains("secret") && !shown(url).contains('@'), "{url}");
        }
    }
}
