//! `proign queue …` against real queue files and, when one is configured, PostgreSQL.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use proign_core::queue::postgres::PgQueue;
use proign_core::queue::sqlite::SqliteQueue;
use proign_core::queue::{NewJob, Queue};

fn proign(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proign"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Two live jobs (one leased) and two dead letters.
async fn fill<Q: Queue>(queue: &Q) {
    for (kind, attempts) in [("ups.label", 1), ("resend.email", 1)] {
        queue
            .enqueue(NewJob::new(kind, &b"{}"[..]).with_max_attempts(attempts))
            .await
            .unwrap();
    }
    for lease in queue.lease(2, Duration::from_secs(60)).await.unwrap() {
        queue
            .retry(
                &lease,
                Duration::ZERO,
                "HTTP 503 from the provider\nsecond line",
            )
            .await
            .unwrap();
    }
    queue
        .enqueue(NewJob::new("stripe.invoice", &b"{\"a\":1}"[..]))
        .await
        .unwrap();
    queue
        .enqueue(NewJob::new("taxjar.tax", &b"{}"[..]))
        .await
        .unwrap();
    queue.lease(1, Duration::from_secs(600)).await.unwrap();
}

fn exercise(target: &[&str]) {
    let with = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(target);
        proign(&all)
    };

    let stats = with(&["queue", "stats"]);
    assert!(stats.status.success(), "{stats:?}");
    let text = stdout(&stats);
    let total = text.lines().nth(2).unwrap();
    assert!(total.starts_with("(all)"), "{text}");
    assert_eq!(
        total.split_whitespace().take(4).collect::<Vec<_>>(),
        ["(all)", "2", "1", "2"],
        "{text}"
    );

    let list = stdout(&with(&["queue", "list"]));
    assert!(
        list.contains("stripe.invoice") && list.contains("leased"),
        "{list}"
    );
    assert!(
        list.contains("taxjar.tax") && list.contains("waiting"),
        "{list}"
    );
    assert!(
        !list.contains("ups.label"),
        "dead letters are not live jobs: {list}"
    );

    let json: serde_json::Value =
        serde_json::from_slice(&with(&["queue", "dead", "--json"]).stdout).unwrap();
    let dead = json.as_array().unwrap();
    assert_eq!(dead.len(), 2);
    assert_eq!(
        dead[0]["last_error"],
        "HTTP 503 from the provider second line"
    );
    let first = dead[0]["id"].as_i64().unwrap().to_string();

    let one = stdout(&with(&["queue", "dead", "--id", &first]));
    assert!(one.contains("idempotency key: prgn-"), "{one}");
    let missing = with(&["queue", "dead", "--id", "999999"]);
    assert_eq!(missing.status.code(), Some(1));

    let redrive = with(&["queue", "redrive", &first, "999999"]);
    assert_eq!(redrive.status.code(), Some(1), "one id did not exist");
    assert!(stdout(&redrive).starts_with("1 dead letter(s) redriven"));
    let purge = with(&["queue", "purge", "--all"]);
    assert!(purge.status.success());
    assert!(stdout(&purge).starts_with("1 dead letter(s) purged"));

    let after: serde_json::Value =
        serde_json::from_slice(&with(&["queue", "stats", "--json"]).stdout).unwrap();
    assert_eq!(after["total"]["depth"], 3);
    assert_eq!(after["total"]["dead"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn inspects_and_repairs_a_sqlite_queue() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("queue.db");
    fill(&SqliteQueue::open(&path).await.unwrap()).await;
    exercise(&["--db", path.to_str().unwrap()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn inspects_and_repairs_a_postgres_queue() {
    let Ok(url) = std::env::var("PROIGN_TEST_DATABASE_URL") else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: PostgreSQL run not made because PROIGN_TEST_DATABASE_URL is not set"
        );
        return;
    };
    let schema = format!("proign_cli_{:08x}", std::process::id());
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let queue = PgQueue::new(pool.clone(), &schema).unwrap();
    queue.migrate().await.unwrap();
    fill(&queue).await;
    exercise(&[
        "--postgres-env",
        "PROIGN_TEST_DATABASE_URL",
        "--schema",
        &schema,
    ]);
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&pool)
        .await
        .unwrap();
}

#[test]
fn refuses_what_would_leak_or_create_by_mistake() {
    let leaky = proign(&[
        "queue",
        "stats",
        "--postgres",
        "postgres://app:hunter2-made-up@127.0.0.1:1/shop",
    ]);
    assert_eq!(leaky.status.code(), Some(2));
    let err = String::from_utf8(leaky.stderr).unwrap();
    assert!(
        err.contains("--postgres-env") && !err.contains("hunter2"),
        "{err}"
    );

    let typo = Path::new("/nonexistent/proign/queue.db");
    let missing = proign(&["queue", "stats", "--db", typo.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(!typo.exists());

    let neither = proign(&["queue", "stats"]);
    assert_eq!(neither.status.code(), Some(2));
}

/// A file that is not a proign queue is refused, and left exactly as it was: inspecting must
/// never create the queue's tables in another program's database.
#[tokio::test]
async fn refuses_a_file_that_is_not_a_queue() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "hello").unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, "").unwrap();
    let foreign = dir.path().join("shop.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&foreign)
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    sqlx::raw_sql("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    for (file, why) in [
        (&text, "file is not a database"),
        (&empty, "no proign_jobs table"),
        (&foreign, "no proign_jobs table"),
    ] {
        let before = std::fs::read(file).unwrap();
        for args in [
            &["queue", "stats", "--db"][..],
            &["queue", "list", "--db"],
            &["status", "--db"],
        ] {
            let mut all = args.to_vec();
            all.push(file.to_str().unwrap());
            let output = proign(&all);
            let err = String::from_utf8(output.stderr).unwrap();
            assert_eq!(output.status.code(), Some(2), "{args:?} {err}");
            assert!(
                err.contains("is not a proign queue file") && err.contains(why),
                "{args:?} {err}"
            );
        }
        assert_eq!(std::fs::read(file).unwrap(), before, "{}", file.display());
    }
}

#[test]
fn a_postgres_url_needs_its_scheme() {
    // sqlx alone would read this as database `made-up-db` on the default host.
    let output = proign(&["queue", "stats", "--postgres", "notaurl:made-up-db"]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(err.contains("postgres://"), "{err}");
    assert!(!err.contains("made-up-db"), "{err}");
}

/// Everything `sqlite_master` holds (tables, indexes, their SQL), read without writing.
async fn schema_of(path: &Path) -> Vec<(String, String, Option<String>)> {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let rows = sqlx::query_as("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    rows
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Inspecting a queue opens it read-only: a read-only file works for every read command, and
/// the file's bytes and modification time stay as they were. A command that changes the
/// queue says plainly that the file is read-only.
#[tokio::test(flavor = "multi_thread")]
async fn inspection_reads_a_read_only_queue_and_changes_nothing() {
    use std::os::unix::fs::PermissionsExt as _;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("queue.db");
    let queue = SqliteQueue::open(&path).await.unwrap();
    fill(&queue).await;
    queue.pool().close().await;
    drop(queue);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let db = path.to_str().unwrap();

    for args in [
        &["queue", "stats", "--db", db][..],
        &["queue", "stats", "--json", "--db", db],
        &["queue", "list", "--db", db],
        &["queue", "dead", "--db", db],
    ] {
        let output = proign(args);
        assert!(output.status.success(), "{args:?} {output:?}");
    }
    let dead: serde_json::Value =
        serde_json::from_slice(&proign(&["queue", "dead", "--json", "--db", db]).stdout).unwrap();
    let first = dead[0]["id"].as_i64().unwrap().to_string();
    let one = proign(&["queue", "dead", "--id", &first, "--db", db]);
    assert!(one.status.success(), "{one:?}");

    for verb in ["redrive", "purge"] {
        let output = proign(&["queue", verb, "--all", "--db", db]);
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        let err = stderr(&output);
        assert!(
            err.contains("is read-only") && err.contains("write access"),
            "{err}"
        );
        assert!(!err.contains("not a proign queue"), "{err}");
    }

    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
}

/// A file holding only a `proign_jobs` table gets nothing added by inspecting it; one whose
/// `proign_jobs` has other columns is refused as not a proign queue.
#[tokio::test(flavor = "multi_thread")]
async fn inspection_never_alters_the_schema_and_checks_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    let create = |path: &Path, sql: &'static str| {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true);
        async move {
            let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
            sqlx::raw_sql(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
    };
    let bare = dir.path().join("bare.db");
    create(
        &bare,
        "CREATE TABLE proign_jobs (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, \
         payload BLOB NOT NULL, dedup_key TEXT, idempotency_key TEXT NOT NULL, \
         state INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, \
         max_attempts INTEGER NOT NULL, run_at INTEGER NOT NULL, lease_token INTEGER, \
         last_error TEXT, enqueued_at INTEGER NOT NULL, dead_at INTEGER)",
    )
    .await;
    let schema = schema_of(&bare).await;
    let bytes = std::fs::read(&bare).unwrap();
    for args in [
        &["queue", "stats"][..],
        &["queue", "list"],
        &["queue", "dead"],
        &["queue", "purge", "--all"],
    ] {
        let mut all = args.to_vec();
        all.extend(["--db", bare.to_str().unwrap()]);
        let output = proign(&all);
        assert!(output.status.success(), "{args:?} {output:?}");
    }
    assert_eq!(
        schema_of(&bare).await,
        schema,
        "no table or index was added"
    );
    assert_eq!(std::fs::read(&bare).unwrap(), bytes);

    let other = dir.path().join("other.db");
    create(
        &other,
        "CREATE TABLE proign_jobs (id INTEGER PRIMARY KEY, name TEXT)",
    )
    .await;
    let schema = schema_of(&other).await;
    for args in [&["queue", "stats"][..], &["queue", "purge", "--all"]] {
        let mut all = args.to_vec();
        all.extend(["--db", other.to_str().unwrap()]);
        let output = proign(&all);
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        let err = stderr(&output);
        assert!(
            err.contains("is not a proign queue file") && err.contains("lacks the column"),
            "{err}"
        );
        assert!(!err.contains("apply the schema"), "{err}");
    }
    assert_eq!(schema_of(&other).await, schema);
}

#[test]
fn a_missing_file_is_said_to_be_missing_and_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.db");
    for verb in ["stats", "list", "dead"] {
        let output = proign(&["queue", verb, "--db", path.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2));
        let err = stderr(&output);
        assert!(err.contains("does not exist"), "{err}");
        assert!(!err.contains("not a queue"), "{err}");
    }
    assert!(!path.exists());
}

#[test]
fn redrive_and_purge_without_ids_name_both_ways() {
    for verb in ["redrive", "purge"] {
        let output = proign(&["queue", verb, "--db", "queue.db"]);
        assert_eq!(output.status.code(), Some(2));
        let err = stderr(&output);
        assert!(err.contains("<ID") && err.contains("--all"), "{err}");
    }
}

#[test]
fn a_password_query_parameter_is_refused_and_never_echoed() {
    for url in [
        "postgres://postgres@127.0.0.1:5432/test?password=hunter2",
        "postgres://postgres@127.0.0.1:5432/test?sslmode=disable&PASSWORD=hunter2",
    ] {
        let output = proign(&["queue", "stats", "--postgres", url]);
        assert_eq!(output.status.code(), Some(2));
        let err = stderr(&output);
        assert!(
            err.contains("carries a password") && err.contains("--postgres-env"),
            "{err}"
        );
        assert!(!err.contains("hunter2"), "{err}");
    }
}

/// A refused connection is reported at once with its cause, not after the pool's timeout,
/// and the password in the URL never shows.
#[test]
fn a_refused_connection_says_so_promptly() {
    let started = std::time::Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_proign"))
        .args(["queue", "stats", "--postgres-env", "PROIGN_CLI_TEST_URL"])
        .env(
            "PROIGN_CLI_TEST_URL",
            "postgres://app:hunter2-made-up@127.0.0.1:1/shop?password=hunter3-made-up",
        )
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("cannot connect to PostgreSQL") && err.to_lowercase().contains("refused"),
        "{err}"
    );
    assert!(!err.contains("timed out"), "{err}");
    assert!(!err.contains("hunter"), "{err}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// A schema without the queue's tables is named as such rather than failing on a missing
/// relation.
#[test]
fn a_schema_without_a_queue_is_named() {
    let Ok(_) = std::env::var("PROIGN_TEST_DATABASE_URL") else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: PostgreSQL run not made because PROIGN_TEST_DATABASE_URL is not set"
        );
        return;
    };
    let schema = format!("proign_cli_none_{:08x}", std::process::id());
    let output = proign(&[
        "queue",
        "stats",
        "--postgres-env",
        "PROIGN_TEST_DATABASE_URL",
        "--schema",
        &schema,
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains(&format!("there is no proign queue in schema {schema}")),
        "{err}"
    );
    assert!(!err.contains("does not exist"), "{err}");
}

/// A `proign_jobs` table that is not the queue's (another application's, or a half-made one)
/// is refused by name and column, and left as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_table_of_the_wrong_shape_is_refused_and_left_alone() {
    let Ok(url) = std::env::var("PROIGN_TEST_DATABASE_URL") else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: PostgreSQL run not made because PROIGN_TEST_DATABASE_URL is not set"
        );
        return;
    };
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let schema = format!("proign_cli_cols_{:08x}", std::process::id());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE SCHEMA {schema}; CREATE TABLE {schema}.proign_jobs (id BIGINT, kind TEXT)"
    )))
    .execute(&pool)
    .await
    .unwrap();
    let schema_arg = schema.clone();
    let output = tokio::task::spawn_blocking(move || {
        proign(&[
            "queue",
            "stats",
            "--postgres-env",
            "PROIGN_TEST_DATABASE_URL",
            "--schema",
            &schema_arg,
        ])
    })
    .await
    .unwrap();
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns \
         WHERE table_schema = $1 AND table_name = 'proign_jobs' ORDER BY ordinal_position",
    )
    .bind(&schema)
    .fetch_all(&pool)
    .await
    .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let err = stderr(&output);
    assert!(err.contains("lacks the column(s)"), "{err}");
    assert!(err.contains("payload"), "{err}");
    assert_eq!(columns, ["id", "kind"]);
}
