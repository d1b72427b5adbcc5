//! The `proign` binary, driven as a person would drive it.

use std::path::PathBuf;
use std::process::{Command, Output};

use proign_testkit::vectors::{self, WebhookCase};

const SECRET_VAR: &str = "PROIGN_CLI_TEST_SECRET";

fn proign() -> Command {
    Command::new(env!("CARGO_BIN_EXE_proign"))
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
        for line in String::from_utf8(signed.stdout).unwrap().lines() {
            verify.args(["--header", line]);
        }
        let verified = verify.output().unwrap();
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
    let cases: [(&str, &str, &[&str], &PathBuf); 5] = [
        ("resend", resend, &["--id", "msg_\u{e9}"], &body),
        ("resend", resend, &["--timestamp=-5"], &body),
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
