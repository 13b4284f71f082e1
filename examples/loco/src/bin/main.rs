//! Run with: `cargo run -p example-loco -- start` (SQLite, no setup), then open <http://localhost:5150>.
//!
//! Loco's CLI: `cargo run -p example-loco -- db migrate`, `-- db status`, `-- routes`, ...

use example_loco::app::App;
use example_loco_migration::Migrator;

#[tokio::main]
async fn main() -> loco_rs::Result<()> {
    loco_rs::cli::main::<App, Migrator>().await
}
