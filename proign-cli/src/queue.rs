//! `proign queue …`: inspect and repair a durable queue (SQLite file or PostgreSQL schema).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand};
use proign_core::queue::postgres::PgQueue;
use proign_core::queue::sqlite::SqliteQueue;
use proign_core::queue::{DeadLetter, JobId, Queue, QueueError, UnixMillis};
use serde::Serialize;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::webhook::{Outcome, Usage};

/// Where the queue lives.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct Target {
    /// The SQLite queue file (it must exist).
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// A PostgreSQL URL without a password (use --postgres-env for one that has a password).
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    /// Read the PostgreSQL URL from this environment variable.
    #[arg(long, value_name = "VAR")]
    postgres_env: Option<String>,
}

/// The PostgreSQL schema holding the queue.
#[derive(Debug, Args)]
pub(crate) struct Common {
    #[command(flatten)]
    target: Target,
    /// The PostgreSQL schema holding the queue's tables.
    #[arg(long, default_value = "proign")]
    schema: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// What to do with the queue.
#[derive(Debug, Subcommand)]
pub(crate) enum QueueCommand {
    /// Depth, leased jobs, dead letters and the oldest job's age, in all and per kind.
    Stats(Common),
    /// The jobs still in the queue (waiting, scheduled, leased), without payloads.
    List(Page),
    /// The dead letters, or one of them with --id.
    Dead(DeadArgs),
    /// Put dead letters back in the queue, due now, attempts reset, idempotency key kept.
    Redrive(Pick),
    /// Delete dead letters for good.
    Purge(Pick),
}

/// A page of a listing.
#[derive(Debug, Args)]
pub(crate) struct Page {
    #[command(flatten)]
    common: Common,
    /// Start after this job id.
    #[arg(long, value_name = "ID")]
    after: Option<i64>,
    /// At most this many (1 to 1,000).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u16).range(1..=1000))]
    limit: u16,
}

/// `queue dead`.
#[derive(Debug, Args)]
pub(crate) struct DeadArgs {
    #[command(flatten)]
    page: Page,
    /// Show this dead letter only, with its whole last error.
    #[arg(long, value_name = "ID", conflicts_with = "after")]
    id: Option<i64>,
}

/// Which dead letters: some ids, or `--all` (one of the two is required, so a usage error
/// names both).
#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("which")
        .args(["ids", "all"])
        .required(true)
        .multiple(false)
))]
pub(crate) struct Pick {
    #[command(flatten)]
    common: Common,
    /// Dead-letter ids (or --all for every dead letter).
    #[arg(value_name = "ID")]
    ids: Vec<i64>,
    /// Every dead letter (instead of ids).
    #[arg(long)]
    all: bool,
}

/// Whether a command only reads the queue or also changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Reads only: the file is opened read-only and nothing in it is created or changed.
    Read,
    /// Changes jobs (redrive, purge): needs write access, but still never alters the schema.
    Write,
}

impl QueueCommand {
    fn common(&self) -> &Common {
        match self {
            Self::Stats(common) => common,
            Self::List(page) => &page.common,
            Self::Dead(dead) => &dead.page.common,
            Self::Redrive(pick) | Self::Purge(pick) => &pick.common,
        }
    }

    fn access(&self) -> Access {
        match self {
            Self::Stats(_) | Self::List(_) | Self::Dead(_) => Access::Read,
            Self::Redrive(_) | Self::Purge(_) => Access::Write,
        }
    }
}

/// Runs one `proign queue` command.
pub(crate) fn run(command: &QueueCommand) -> Result<Outcome, Usage> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the runtime: {err}"))?;
    runtime.block_on(async {
        let common = command.common();
        match open(common, command.access()).await? {
            Backend::Sqlite(queue) => execute(&queue, command).await,
            Backend::Postgres(queue) => execute(&queue, command).await,
        }
    })
}

enum Backend {
    Sqlite(SqliteQueue),
    Postgres(PgQueue),
}

async fn open(common: &Common, access: Access) -> Result<Backend, Usage> {
    let target = &common.target;
    if let Some(path) = &target.db {
        return Ok(Backend::Sqlite(open_sqlite(path, access).await?));
    }
    let url = match (&target.postgres, &target.postgres_env) {
        (Some(url), _) => url.clone(),
        (None, Some(var)) => std::env::var(var)
            .map_err(|_| format!("the environment variable {var} is not set (or not UTF-8)"))?,
        (None, None) => return Err("give --db, --postgres or --postgres-env".to_owned()),
    };
    // The driver takes any scheme (`notaurl:x` would name database `x`); ask for its own.
    let scheme = url.split_once("://").map(|(scheme, _)| scheme);
    if !matches!(scheme, Some("postgres" | "postgresql")) {
        return Err("the PostgreSQL URL must start with postgres:// or postgresql://".to_owned());
    }
    if target.postgres.is_some() && url_has_password(&url) {
        return Err(
            "the PostgreSQL URL carries a password, which would show in the process list; \
             put it in an environment variable and use --postgres-env"
                .to_owned(),
        );
    }
    let mut options: PgConnectOptions = url
        .parse()
        .map_err(|_| "the PostgreSQL URL is not valid".to_owned())?;
    if access == Access::Read {
        // Belt and braces: an inspection cannot change anything even by mistake.
        options = options.options([("default_transaction_read_only", "on")]);
    }
    let pool = connect_postgres(options).await?;
    let queue = PgQueue::new(pool.clone(), &common.schema).map_err(describe)?;
    check_postgres_schema(&pool, &common.schema).await?;
    Ok(Backend::Postgres(queue))
}

/// How long the first connection attempt to PostgreSQL may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects once directly, so that a refused or failed connection is reported with its own
/// cause at once (a pool retries until its acquire timeout and then only says it timed
/// out), then hands out a pool for the queue.
async fn connect_postgres(options: PgConnectOptions) -> Result<PgPool, Usage> {
    let first = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options)).await;
    match first {
        Err(_) => {
            return Err(format!(
                "cannot connect to PostgreSQL: no answer within {} s",
                CONNECT_TIMEOUT.as_secs()
            ));
        }
        Ok(Err(err)) => {
            return Err(format!(
                "cannot connect to PostgreSQL: {}",
                redact_url(&sqlx_message(&err))
            ));
        }
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
        }
    }
    Ok(PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(CONNECT_TIMEOUT)
        .connect_lazy_with(options))
}

/// The columns of `proign_jobs` that make a table the queue's own (both backends).
const JOB_COLUMNS: [&str; 13] = [
    "id",
    "kind",
    "payload",
    "dedup_key",
    "idempotency_key",
    "state",
    "attempts",
    "max_attempts",
    "run_at",
    "lease_token",
    "last_error",
    "enqueued_at",
    "dead_at",
];

/// Why a `proign_jobs` table with `columns` (none: no such table) is not the queue's, if it
/// is not.
fn missing_columns(columns: &[String]) -> Option<String> {
    if columns.is_empty() {
        return Some("it has no proign_jobs table".to_owned());
    }
    let missing: Vec<&str> = JOB_COLUMNS
        .iter()
        .copied()
        .filter(|want| !columns.iter().any(|have| have.eq_ignore_ascii_case(want)))
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "its proign_jobs table lacks the column(s) {}",
            missing.join(", ")
        )
    })
}

/// Refuses a PostgreSQL schema that holds no proign queue, naming the schema instead of
/// letting a query fail on a missing relation.
async fn check_postgres_schema(pool: &PgPool, schema: &str) -> Result<(), Usage> {
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns \
         WHERE table_schema = $1 AND table_name = 'proign_jobs'",
    )
    .bind(schema)
    .fetch_all(pool)
    .await
    .map_err(|err| {
        format!(
            "cannot read the tables of schema {schema}: {}",
            redact_url(&sqlx_message(&err))
        )
    })?;
    match missing_columns(&columns) {
        Some(why) => Err(format!(
            "there is no proign queue in schema {schema} of that database ({why})"
        )),
        None => Ok(()),
    }
}

/// Opens the queue file at `path` without ever creating or altering its schema. A file
/// that is missing, not SQLite, or a database without the queue's `proign_jobs` table (with
/// its columns) is refused. [`Access::Read`] opens the file read-only, so inspecting a queue
/// changes nothing in it and works on a read-only file; [`Access::Write`] needs a writable
/// file and says so when it is not.
pub(crate) async fn open_sqlite(path: &Path, access: Access) -> Result<SqliteQueue, Usage> {
    let shown = path.display();
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("{shown} does not exist"));
        }
        Err(err) => return Err(format!("cannot read {shown}: {err}")),
    };
    if !metadata.is_file() {
        return Err(format!("{shown} is not a file"));
    }
    if access == Access::Write && metadata.permissions().readonly() {
        return Err(format!(
            "{shown} is read-only: this command changes the queue, so it needs write access \
             to the file (stats, list and dead only read it)"
        ));
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .read_only(access == Access::Read)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10));
    let not_a_queue = |why: String| format!("{shown} is not a proign queue file ({why})");
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|err| not_a_queue(sqlx_message(&err)))?;
    if let Err(why) = check_sqlite_schema(&pool).await {
        pool.close().await;
        return Err(not_a_queue(why));
    }
    Ok(SqliteQueue::from_pool(pool))
}

/// Whether the file behind `pool` holds a proign queue: a `proign_jobs` table with the
/// queue's columns. Reads only.
async fn check_sqlite_schema(pool: &SqlitePool) -> Result<(), String> {
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('proign_jobs')")
            .fetch_all(pool)
            .await
            .map_err(|err| sqlx_message(&err))?;
    missing_columns(&columns).map_or(Ok(()), Err)
}

/// A driver error as one sentence: the database's own message when there is one.
fn sqlx_message(err: &sqlx::Error) -> String {
    match err {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}

/// Whether `url` carries a password: a `user:password@` part, or a `password` query
/// parameter (in any case, percent-encoded or not).
fn url_has_password(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let in_userinfo = authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'));
    let query = url
        .split_once('?')
        .map_or("", |(_, query)| query.split('#').next().unwrap_or_default());
    in_userinfo
        || query
            .split('&')
            .any(|pair| is_password_key(pair.split('=').next().unwrap_or_default()))
}

/// Whether a query key names a password: `password`, `PASSWORD`, `pass%77ord`, ….
fn is_password_key(key: &str) -> bool {
    percent_decode(key).eq_ignore_ascii_case("password")
}

/// `key` with its `%XX` escapes decoded (bytes that do not form UTF-8 become U+FFFD).
fn percent_decode(key: &str) -> String {
    let bytes = key.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Drops anything that looks like a URL's credentials from a driver message: the
/// `user:password@` part of a URL and the value of any `password=` parameter.
fn redact_url(message: &str) -> String {
    message
        .split(' ')
        .map(|word| {
            let word = match word.split_once("://") {
                Some((scheme, rest)) if rest.contains('@') => {
                    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                    format!("{scheme}://…@{host}")
                }
                _ => word.to_owned(),
            };
            redact_password_parameters(&word)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `word` with the value of every `password=…` parameter (any case, percent-encoded or not)
/// replaced by `…`; a value runs to the next `&`, `?`, `;`, `#` or the end.
fn redact_password_parameters(word: &str) -> String {
    word.split_inclusive(['?', '&', ';', '#'])
        .map(|piece| {
            let (body, delimiter) = match piece.char_indices().last() {
                Some((at, '?' | '&' | ';' | '#')) => piece.split_at(at),
                _ => (piece, ""),
            };
            let Some((key, _)) = body.split_once('=') else {
                return piece.to_owned();
            };
            // The key is the run of name characters just before `=` (a message may quote it).
            let name = key
                .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '%' || c == '_'))
                .next()
                .unwrap_or_default();
            if is_password_key(name) {
                format!("{key}=…{delimiter}")
            } else {
                piece.to_owned()
            }
        })
        .collect()
}

fn describe(err: QueueError) -> Usage {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        let line = redact_url(&cause.to_string());
        // sqlx's database error repeats its inner error's message; say it once.
        if !text.ends_with(&line) {
            let _ = write!(text, ": {line}");
        }
        source = cause.source();
    }
    text
}

async fn execute<Q: Queue>(queue: &Q, command: &QueueCommand) -> Result<Outcome, Usage> {
    let json = command.common().json;
    let now = proign_core::clock::system()
        .unix_seconds()
        .saturating_mul(1000);
    let output = match command {
        QueueCommand::Stats(_) => {
            let stats = queue.stats().await.map_err(describe)?;
            let kinds = queue.stats_by_kind().await.map_err(describe)?;
            if json {
                to_json(&serde_json::json!({ "total": stats, "kinds": kinds }))
            } else {
                let mut rows = vec![row([
                    "(all)".to_owned(),
                    stats.depth.to_string(),
                    stats.leased.to_string(),
                    stats.dead.to_string(),
                    age(stats.oldest_enqueued_at, now),
                ])];
                rows.extend(kinds.iter().map(|k| {
                    row([
                        k.kind.clone(),
                        k.depth.to_string(),
                        "".to_owned(),
                        k.dead.to_string(),
                        age(k.oldest_enqueued_at, now),
                    ])
                }));
                table(&["kind", "depth", "leased", "dead", "oldest"], &rows)
            }
        }
        QueueCommand::List(page) => {
            let jobs = queue
                .jobs(page.after.map(JobId), page.limit.into())
                .await
                .map_err(describe)?;
            if json {
                to_json(&jobs)
            } else {
                let rows: Vec<_> = jobs
                    .iter()
                    .map(|j| {
                        row([
                            j.id.to_string(),
                            j.kind.clone(),
                            j.state.as_str().to_owned(),
                            format!("{}/{}", j.attempts, j.max_attempts),
                            when(j.run_at, now),
                            j.last_error.as_deref().map(first_line).unwrap_or_default(),
                        ])
                    })
                    .collect();
                table(
                    &["id", "kind", "state", "attempts", "due", "last error"],
                    &rows,
                )
            }
        }
        QueueCommand::Dead(dead) => {
            let letters = match dead.id {
                Some(id) => {
                    let one = queue.dead_letter_by_id(JobId(id)).await.map_err(describe)?;
                    match one {
                        Some(letter) => vec![letter],
                        None => {
                            return Ok(Outcome {
                                output: format!("no dead letter {id}\n"),
                                code: 1,
                            });
                        }
                    }
                }
                None => queue
                    .dead_letters(dead.page.after.map(JobId), dead.page.limit.into())
                    .await
                    .map_err(describe)?,
            };
            if json {
                to_json(&letters)
            } else if dead.id.is_some() {
                letters.iter().map(|l| detail(l, now)).collect()
            } else {
                let rows: Vec<_> = letters
                    .iter()
                    .map(|l| {
                        row([
                            l.id.to_string(),
                            l.kind.clone(),
                            format!("{}/{}", l.attempts, l.max_attempts),
                            when(l.dead_at, now),
                            l.last_error.as_deref().map(first_line).unwrap_or_default(),
                        ])
                    })
                    .collect();
                table(
                    &["id", "kind", "attempts", "dead since", "last error"],
                    &rows,
                )
            }
        }
        QueueCommand::Redrive(pick) | QueueCommand::Purge(pick) => {
            let redrive = matches!(command, QueueCommand::Redrive(_));
            let ids = picked(queue, pick).await?;
            let (mut done, mut missing) = (Vec::new(), Vec::new());
            for id in ids {
                let found = if redrive {
                    queue.redrive(id).await
                } else {
                    queue.purge_dead_letter(id).await
                }
                .map_err(describe)?;
                if found { &mut done } else { &mut missing }.push(id.0);
            }
            let verb = if redrive { "redriven" } else { "purged" };
            let output = if json {
                to_json(&serde_json::json!({ verb: done, "not_found": missing }))
            } else {
                let mut text = format!("{} dead letter(s) {verb}\n", done.len());
                if !missing.is_empty() {
                    let ids: Vec<String> = missing.iter().map(i64::to_string).collect();
                    let _ = writeln!(text, "no dead letter with id {}", ids.join(", "));
                }
                text
            };
            return Ok(Outcome {
                output,
                code: u8::from(!missing.is_empty()),
            });
        }
    };
    Ok(Outcome { output, code: 0 })
}

/// The ids a redrive or purge applies to: those given, or every dead letter.
async fn picked<Q: Queue>(queue: &Q, pick: &Pick) -> Result<Vec<JobId>, Usage> {
    if !pick.all {
        return Ok(pick.ids.iter().copied().map(JobId).collect());
    }
    let mut ids = Vec::new();
    let mut after = None;
    loop {
        let page = queue.dead_letters(after, 1_000).await.map_err(describe)?;
        let Some(last) = page.last() else {
            return Ok(ids);
        };
        after = Some(last.id);
        ids.extend(page.iter().map(|l| l.id));
    }
}

fn detail(letter: &DeadLetter, now: UnixMillis) -> String {
    format!(
        "id:              {}\nkind:            {}\nattempts:        {}/{}\n\
         idempotency key: {}\nenqueued:        {}\ndead since:      {}\npayload:         {} bytes\n\
         last error:      {}\n",
        letter.id,
        letter.kind,
        letter.attempts,
        letter.max_attempts,
        letter.idempotency_key,
        when(letter.enqueued_at, now),
        when(letter.dead_at, now),
        letter.payload.len(),
        letter.last_error.as_deref().unwrap_or("-"),
    )
}

fn to_json(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
    text.push('\n');
    text
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}

/// `2026-12-03 20:15:04 UTC (3m ago)`.
fn when(at: UnixMillis, now: UnixMillis) -> String {
    let stamp = chrono::DateTime::from_timestamp_millis(at).map_or_else(
        || at.to_string(),
        |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    );
    let delta = (now - at) / 1000;
    let span = |s: i64| match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    };
    if delta >= 0 {
        format!("{stamp} ({} ago)", span(delta))
    } else {
        format!("{stamp} (in {})", span(-delta))
    }
}

fn age(at: Option<UnixMillis>, now: UnixMillis) -> String {
    at.map_or_else(|| "-".to_owned(), |at| when(at, now))
}

fn row<const N: usize>(cells: [String; N]) -> Vec<String> {
    cells.into()
}

/// A plain text table: a header, a rule, one line per row, columns padded to fit.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = line(header, &widths);
    out.push_str(&line(widths.iter().map(|w| "-".repeat(*w)), &widths));
    for row in rows {
        out.push_str(&line(row, &widths));
    }
    if rows.is_empty() {
        out.push_str("(none)\n");
    }
    out
}

fn line(cells: impl IntoIterator<Item = impl AsRef<str>>, widths: &[usize]) -> String {
    let mut text = String::new();
    for (cell, width) in cells.into_iter().zip(widths) {
        let _ = write!(text, "{:<width$}  ", cell.as_ref());
    }
    text.truncate(text.trim_end().len());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::{Access, open_sqlite, redact_url, url_has_password};
    use proign_core::queue::sqlite::SqliteQueue;

    /// The handle an inspection gets cannot write, whoever runs it (even root, for whom a
    /// file's mode bits do not stop writes); one for redrive or purge can.
    #[tokio::test]
    async fn inspection_gets_a_handle_that_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("queue.db");
        let queue = SqliteQueue::open(&path).await.unwrap();
        queue.pool().close().await;

        let insert = "INSERT INTO proign_jobs (kind, payload, idempotency_key, max_attempts, \
                      run_at, enqueued_at) VALUES ('k', x'', 'key', 1, 0, 0)";
        let reader = open_sqlite(&path, Access::Read).await.unwrap();
        let refused = sqlx::query(insert).execute(reader.pool()).await;
        assert!(refused.is_err(), "a read-only handle wrote to the file");
        reader.pool().close().await;

        let writer = open_sqlite(&path, Access::Write).await.unwrap();
        sqlx::query(insert).execute(writer.pool()).await.unwrap();
        writer.pool().close().await;
    }

    #[test]
    fn passwords_in_urls_are_found_and_never_echoed() {
        assert!(url_has_password("postgres://app:s3cret@db.internal/shop"));
        assert!(!url_has_password("postgres://postgres@127.0.0.1:5432/test"));
        assert!(!url_has_password("postgres:///test?host=/run/postgresql"));
        assert_eq!(
            redact_url("error connecting to postgres://app:s3cret@db.internal/shop: refused"),
            "error connecting to postgres://…@db.internal/shop: refused"
        );
    }

    #[test]
    fn a_password_query_parameter_counts_as_a_password() {
        for url in [
            "postgres://postgres@127.0.0.1:5432/test?password=hunter2",
            "postgres://postgres@127.0.0.1/test?sslmode=disable&PassWord=hunter2",
            "postgres://postgres@127.0.0.1/test?pass%77ord=hunter2",
            "postgresql:///test?host=/run/postgresql&password",
        ] {
            assert!(url_has_password(url), "{url}");
            assert!(!redact_url(url).contains("hunter2"), "{}", redact_url(url));
        }
        for url in [
            "postgres://postgres@127.0.0.1/test?sslmode=disable",
            "postgres://postgres@127.0.0.1/password?user=password",
        ] {
            assert!(!url_has_password(url), "{url}");
        }
        assert_eq!(
            redact_url("cannot use postgres:///test?Password=hunter2&sslmode=require here"),
            "cannot use postgres:///test?Password=…&sslmode=require here"
        );
        assert_eq!(
            redact_url("bad option \"password=hunter2\" given"),
            "bad option \"password=… given"
        );
    }
}
