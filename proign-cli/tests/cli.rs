//! The `proign` binary, driven as a person would drive it.

use std::path::PathBuf;
use std::process::{Command, Output};

use proign_testkit::vectors::{self, WebhookCase};

const SECRET_VAR: &str = "PROIGN_CLI_TEST_SECRET";

fn proign() -> Command {
    Command::new(env!("CARGO_BIN_EXE_proign"))
}

/// Runs `verify` with the header lines a `sign` run printed.
fn with_signed_headers(verify: &mut Command, signed: &Output) -> Output {
    for line in String::from_utf8_lossy(&signed.stdout).lines() {
        verify.args(["--header", line]);
    }
    verify.output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("proign-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn verify(case: &WebhookCase, provider: &str) -> Output {
    let body = scratch(&format!("{provider}-{}.body", case.case));
    std::fs::write(&body, &case.body).unwrap();
    let mut command = proign();
    command
        .args(["webhook", "verify", "--provider", provider, "--json"])
        .args(["--secret-env", SECRET_VAR])
        .args(["--now", &case.now_unix.to_string()])
        .env(SECRET_VAR, &case.secret);
    if let Some(tolerance) = case.tolerance_s {
        command.args(["--tolerance", &tolerance.to_string()]);
    }
    for line in case.header_lines() {
        command.args(["--header", &line]);
    }
    match &case.query {
        Some(query) => command.args(["--query", query]),
        None => command.arg("--body-file").arg(&body),
    };
    command.output().unwrap()
}

fn check(provider: &str, cases: Vec<WebhookCase>) {
    let mut wrong = Vec::new();
    for case in &cases {
        let output = verify(case, provider);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let report: serde_json::Value = match serde_json::from_str(&stdout) {
            Ok(report) => report,
            Err(_) => {
                wrong.push(format!(
                    "{}: no JSON: {stdout} {:?}",
                    case.case, output.stderr
                ));
                continue;
            }
        };
        let (got, code) = if report["ok"] == true {
            ("ok".to_owned(), 0)
        } else {
            (report["reason"].as_str().unwrap_or_default().to_owned(), 1)
        };
        if got != case.proign_expect() || output.status.code() != Some(code) {
            wrong.push(format!(
                "{}: expected {}, got {got} (exit {:?})",
                case.case,
                case.proign_expect(),
                output.status.code()
            ));
        }
        if !case.secret.is_empty() {
            assert!(!stdout.contains(&case.secret), "the secret was printed");
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn stripe_vectors_through_the_binary() {
    check("stripe", vectors::stripe_webhooks());
}

#[test]
fn resend_vectors_through_the_binary() {
    check("resend", vectors::resend_webhooks());
}

#[test]
fn shopify_vectors_through_the_binary() {
    check("shopify", vectors::shopify_webhooks());
}

#[test]
fn shopify_oauth_vectors_through_the_binary() {
    check("shopify-oauth", vectors::shopify_oauth_queries());
}

#[test]
fn usage_errors_exit_2() {
    let output = proign()
        .args([
            "webhook",
            "verify",
            "--provider",
            "stripe",
            "--header",
            "no colon",
        ])
        .args(["--secret-env", SECRET_VAR])
        .env(SECRET_VAR, "whsec_made_up")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Name: value"));

    let output = proign()
        .args(["webhook", "verify", "--provider", "paypal"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));

    let output = proign()
        .args([
            "webhook",
            "verify",
            "--provider",
            "stripe",
            "--tolerance",
            "0",
        ])
        .args(["--secret-env", SECRET_VAR])
        .env(SECRET_VAR, "whsec_made_up")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_missing_secret_is_a_rejection_naming_the_variable() {
    let body = scratch("missing-secret.json");
    std::fs::write(&body, "{}").unwrap();
    let output = proign()
        .args(["webhook", "verify", "--provider", "stripe", "--json"])
        .args(["--secret-env", "PROIGN_CLI_TEST_UNSET_VARIABLE"])
        .arg("--body-file")
        .arg(&body)
        .env_remove("PROIGN_CLI_TEST_UNSET_VARIABLE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["reason"], "missing_secret");
    assert!(
        report["detail"]
            .as_str()
            .unwrap()
            .contains("PROIGN_CLI_TEST_UNSET_VARIABLE")
    );
}

/// `sign` prints headers that `verify` accepts, for every provider, with secrets from a file.
#[test]
fn sign_then_verify() {
    let body = scratch("roundtrip.json");
    std::fs::write(&body, br#"{"id":"evt_roundtrip","object":"event"}"#).unwrap();
    let secret_file = scratch("secret");
    for (provider, secret) in [
        ("stripe", "whsec_made_up_roundtrip_secret"),
        ("shopify", "made_up_shopify_client_secret"),
        (
            "resend",
            "whsec_cHJnbi1yZXNlbmQtc2lnbmluZy1rZXktMzJieXRlcyE=",
        ),
    ] {
        std::fs::write(&secret_file, format!("{secret}\n")).unwrap();
        let signed = proign()
            .args([
                "webhook",
                "sign",
                "--provider",
                provider,
                "--timestamp",
                "1767225600",
            ])
            .arg("--secret-file")
            .arg(&secret_file)
            .arg("--body-file")
            .arg(&body)
            .output()
            .unwrap();
        assert_eq!(signed.status.code(), Some(0), "{provider}: {signed:?}");
        let mut verify = proign();
        verify
            .args([
                "webhook",
                "verify",
                "--provider",
                provider,
                "--now",
                "1767225660",
            ])
            .arg("--secret-file")
            .arg(&secret_file)
            .arg("--body-file")
            .arg(&body);
        let verified = with_signed_headers(&mut verify, &signed);
        assert_eq!(verified.status.code(), Some(0), "{provider}: {verified:?}");
        assert!(String::from_utf8_lossy(&verified.stdout).starts_with("genuine"));
    }

    std::fs::write(&secret_file, "hush").unwrap();
    let signed = proign()
        .args(["webhook", "sign", "--provider", "shopify-oauth"])
        .args([
            "--query",
            "code=abc&shop=a.myshopify.com&timestamp=1767225600",
        ])
        .arg("--secret-file")
        .arg(&secret_file)
        .output()
        .unwrap();
    let query = String::from_utf8(signed.stdout).unwrap();
    let verified = proign()
        .args([
            "webhook",
            "verify",
            "--provider",
            "shopify-oauth",
            "--now",
            "1767225600",
        ])
        .args(["--query", query.trim()])
        .arg("--secret-file")
        .arg(&secret_file)
        .output()
        .unwrap();
    assert_eq!(verified.status.code(), Some(0), "{verified:?}");
}

#[test]
fn rotation_index_follows_the_command_line() {
    let body = scratch("rotation.json");
    std::fs::write(&body, "{}").unwrap();
    let old = scratch("old.key");
    std::fs::write(&old, "whsec_made_up_old_rotation").unwrap();
    let header = "t=1767225600,v1=".to_owned()
        + &proign_stripe_signature("whsec_made_up_new_rotation", 1767225600, b"{}");
    let output = proign()
        .args([
            "webhook",
            "verify",
            "--provider",
            "stripe",
            "--json",
            "--now",
            "1767225600",
        ])
        .arg("--secret-file")
        .arg(&old)
        .args(["--secret-env", "PROIGN_CLI_TEST_NEW"])
        .args(["--header", &format!("Stripe-Signature: {header}")])
        .arg("--body-file")
        .arg(&body)
        .env("PROIGN_CLI_TEST_NEW", "whsec_made_up_new_rotation")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["matched_secret"], 1, "{report}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with(r#"{"ok":true,"provider":"stripe""#),
        "{text}"
    );
}

/// The Stripe signature of `body` under `secret` at `t`, computed independently of proign.
fn proign_stripe_signature(secret: &str, t: i64, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn oversized_bodies_are_refused_without_reading_them_whole() {
    let output = proign()
        .args([
            "webhook",
            "verify",
            "--provider",
            "stripe",
            "--json",
            "--body-stdin",
        ])
        .args(["--secret-env", SECRET_VAR])
        .env(SECRET_VAR, "whsec_made_up")
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["reason"], "body_too_large");
}

#[test]
fn sign_refuses_what_verify_would_reject() {
    let body = scratch("refuse.json");
    std::fs::write(&body, "{}").unwrap();
    let empty = scratch("empty.json");
    std::fs::write(&empty, "").unwrap();
    let resend = "whsec_cHJnbi1yZXNlbmQtc2lnbmluZy1rZXktMzJieXRlcyE=";
    let cases: [(&str, &str, &[&str], &PathBuf); 7] = [
        ("resend", resend, &["--id", "msg_\u{e9}"], &body),
        ("resend", resend, &["--timestamp=-5"], &body),
        (
            "resend",
            resend,
            &["--timestamp", "9223372036854775807"],
            &body,
        ),
        ("stripe", "whsec_made_up", &["--query", "a=1"], &body),
        ("stripe", "whsec_made_up", &[], &empty),
        ("stripe", "sk_test_made_up", &[], &body),
        (
            "shopify",
            "made_up",
            &["--topic", "orders/create\nX-Evil: 1"],
            &body,
        ),
    ];
    for (provider, secret, extra, file) in cases {
        let output = proign()
            .args([
                "webhook",
                "sign",
                "--provider",
                provider,
                "--secret-env",
                SECRET_VAR,
            ])
            .args(extra)
            .arg("--body-file")
            .arg(file)
            .env(SECRET_VAR, secret)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{provider} {extra:?}: {output:?}"
        );
    }
    // A query without a timestamp gets one, so the result verifies.
    std::fs::write(scratch("hush"), "hush").unwrap();
    let signed = proign()
        .args([
            "webhook",
            "sign",
            "--provider",
            "shopify-oauth",
            "--timestamp",
            "1767225600",
        ])
        .args(["--query", "hmac&shop=a.myshopify.com"])
        .arg("--secret-file")
        .arg(scratch("hush"))
        .output()
        .unwrap();
    let query = String::from_utf8(signed.stdout).unwrap();
    assert_eq!(query.matches("hmac").count(), 1, "{query}");
    let verified = proign()
        .args([
            "webhook",
            "verify",
            "--provider",
            "shopify-oauth",
            "--now=1767225600",
        ])
        .args(["--query", query.trim()])
        .arg("--secret-file")
        .arg(scratch("hush"))
        .output()
        .unwrap();
    assert_eq!(verified.status.code(), Some(0), "{verified:?}");
}

/// A secret of the wrong form says why once, not once per layer of the error.
#[test]
fn an_unusable_secret_is_explained_once() {
    let body = scratch("wrong-form-secret.json");
    std::fs::write(&body, "{}").unwrap();
    let output = proign()
        .args(["webhook", "sign", "--provider", "resend"])
        .args(["--secret-env", "PROIGN_CLI_TEST_NOT_BASE64"])
        .arg("--body-file")
        .arg(&body)
        .env("PROIGN_CLI_TEST_NOT_BASE64", "whsec_not*base64*made*up")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(err.matches("base64 alphabet").count(), 1, "{err}");
    assert!(!err.contains("not*base64"), "{err}");
}

/// A secret typed where a variable name or a file path belongs is never printed back, in
/// either output form; a plain variable name still is, since it helps.
#[test]
fn a_secret_given_in_place_of_a_name_or_path_is_not_echoed() {
    let body = scratch("pasted-secret.json");
    std::fs::write(&body, "{}").unwrap();
    let pasted = "whsec_made_up_pasted_secret_0123456789";
    for flag in ["--secret-env", "--secret-file"] {
        for json in [true, false] {
            let mut command = proign();
            command
                .args(["webhook", "verify", "--provider", "stripe", flag, pasted])
                .arg("--body-file")
                .arg(&body)
                .env_remove(pasted);
            if json {
                command.arg("--json");
            }
            let output = command.output().unwrap();
            assert_eq!(output.status.code(), Some(1), "{flag}: {output:?}");
            let shown = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(!shown.contains("made_up_pasted"), "{flag}: {shown}");
            assert!(shown.contains("secret #1"), "{flag}: {shown}");
        }
    }
}

/// A secret file of two lines is refused as such instead of failing every signature; a
/// variable ending in a line break is read like a file that does.
#[test]
fn secrets_are_one_line_from_files_and_variables() {
    let body = scratch("one-line.json");
    std::fs::write(&body, "{}").unwrap();
    let two_lines = scratch("two-lines");
    std::fs::write(&two_lines, "made_up_line_one\nmade_up_line_two\n").unwrap();
    let output = proign()
        .args(["webhook", "verify", "--provider", "stripe", "--json"])
        .arg("--secret-file")
        .arg(&two_lines)
        .arg("--body-file")
        .arg(&body)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["reason"], "missing_secret");
    let detail = report["detail"].as_str().unwrap();
    assert!(detail.contains("control character"), "{detail}");
    assert!(!detail.contains("made_up"), "{detail}");

    // Signed with the variable ending in a line break, verified with it not.
    let stripe = |command: &str| {
        let mut run = proign();
        run.args(["webhook", command, "--provider", "stripe"])
            .args(["--secret-env", SECRET_VAR, "--body-file"])
            .arg(&body);
        run
    };
    let signed = stripe("sign")
        .env(SECRET_VAR, "whsec_made_up_newline_secret\n")
        .output()
        .unwrap();
    assert_eq!(signed.status.code(), Some(0), "{signed:?}");
    let verified = with_signed_headers(
        stripe("verify").env(SECRET_VAR, "whsec_made_up_newline_secret"),
        &signed,
    );
    assert_eq!(verified.status.code(), Some(0), "{verified:?}");
}

/// Without `--id`, two bodies signed in the same second get different delivery ids (a
/// receiver deduplicating on the id keeps both), and the same body the same id.
#[test]
fn default_ids_follow_the_body() {
    let id_for = |content: &str| {
        let body = scratch(&format!("id-{}.json", content.len()));
        std::fs::write(&body, content).unwrap();
        let signed = proign()
            .args([
                "webhook",
                "sign",
                "--provider",
                "shopify",
                "--timestamp",
                "1767225600",
            ])
            .args(["--secret-env", SECRET_VAR])
            .arg("--body-file")
            .arg(&body)
            .env(SECRET_VAR, "made_up_shopify_client_secret")
            .output()
            .unwrap();
        assert_eq!(signed.status.code(), Some(0), "{signed:?}");
        String::from_utf8(signed.stdout)
            .unwrap()
            .lines()
            .find_map(|line| {
                line.strip_prefix("X-Shopify-Webhook-Id: ")
                    .map(str::to_owned)
            })
            .unwrap()
    };
    let first = id_for("{\"id\":1}");
    assert_eq!(first, id_for("{\"id\":1}"));
    assert_ne!(first, id_for("{\"id\":22}"));
}

/// `--query` belongs to shopify-oauth only, and shopify-oauth reads no body.
#[test]
fn flags_of_another_provider_are_usage_errors() {
    let body = scratch("flags.json");
    std::fs::write(&body, "{}").unwrap();
    let stripe_with_query = proign()
        .args([
            "webhook",
            "verify",
            "--provider",
            "stripe",
            "--query",
            "a=1",
        ])
        .args(["--secret-env", SECRET_VAR])
        .arg("--body-file")
        .arg(&body)
        .env(SECRET_VAR, "whsec_made_up")
        .output()
        .unwrap();
    assert_eq!(
        stripe_with_query.status.code(),
        Some(2),
        "{stripe_with_query:?}"
    );
    let oauth_with_body = proign()
        .args([
            "webhook",
            "verify",
            "--provider",
            "shopify-oauth",
            "--query",
            "a=1",
        ])
        .args(["--secret-env", SECRET_VAR])
        .arg("--body-file")
        .arg(&body)
        .env(SECRET_VAR, "made_up")
        .output()
        .unwrap();
    assert_eq!(
        oauth_with_body.status.code(),
        Some(2),
        "{oauth_with_body:?}"
    );
}
