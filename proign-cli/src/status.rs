//! `proign status --db PATH`: the sync-status table a service last saved into its queue file.

use std::path::PathBuf;

use clap::Args;
use proign_core::monitor::read_snapshot;

use crate::webhook::{Outcome, Usage};

/// Which queue file to read.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// The SQLite queue file the service saves its monitor snapshot into (it must exist).
    #[arg(long, value_name = "PATH")]
    db: PathBuf,
    /// Print the whole snapshot as JSON instead of the table.
    #[arg(long)]
    json: bool,
}

/// Prints the stored snapshot; exit code 1 when the file holds none yet.
pub(crate) fn run(args: &StatusArgs) -> Result<Outcome, Usage> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the runtime: {err}"))?;
    runtime.block_on(async {
        // Read-only: showing the status must not create the snapshot table or change the file.
        let queue = crate::queue::open_sqlite(&args.db, crate::queue::Access::Read).await?;
        let snapshot = read_snapshot(queue.pool())
            .await
            .map_err(|err| format!("cannot read the monitor snapshot: {err}"))?;
        let Some(snapshot) = snapshot else {
            return Ok(Outcome {
                code: 1,
                output: format!(
                    "no monitor snapshot in {} yet: the service saves one with \
                     proign_core::monitor::save_snapshot\n",
                    args.db.display()
                ),
            });
        };
        let output = if args.json {
            let mut json = serde_json::to_string_pretty(&snapshot)
                .map_err(|err| format!("cannot print the snapshot: {err}"))?;
            json.push('\n');
            json
        } else {
            let taken = chrono::DateTime::from_timestamp_millis(snapshot.taken_at)
                .map_or_else(|| "an unknown time".to_owned(), |at| at.to_rfc3339());
            // The table's "last success" column counts back from the snapshot, not from now.
            let now = proign_core::clock::system().unix_seconds();
            let age = (now - snapshot.taken_at / 1000).max(0);
            format!(
                "{}\nas of {taken} ({age} s ago; \"last success\" counts back from then)\n",
                snapshot.status_table()
            )
        };
        Ok(Outcome { code: 0, output })
    })
}
