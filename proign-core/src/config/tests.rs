use std::time::Duration;

use super::*;

const NO_ENV: [(&str, &str); 0] = [];

const FULL: &str = r#"
[integrations.stripe]
api_key = "env:STRIPE_API_KEY"
webhook_secret = "file:/run/secrets/stripe"
topics = ["invoice.paid"]
requests_per_second = 25

[integrations.ups]
client_id = "made-up-client"
client_secret = "env:UPS_CLIENT_SECRET"
callback_credential = "env:UPS_CALLBACK_CREDENTIAL"

[integrations.taxjar]
enabled = false

[mapping]
default_service = "03"
shipping_price = "price_shipping"

[mapping.shipping]
"Express" = "02"

[mapping.tax_codes]
"Apparel" = "20010"

[retry.default]
max_attempts = 6
base_delay_ms = 100
max_delay_ms = 2000
deadline_ms = 60000
jitter = "none"
"#;

/// The paths of the problems `text` (with `env`) has, in order.
fn problems(text: &str, env: &[(&str, &str)]) -> Vec<String> {
    match Config::from_toml(text, env.iter().copied()) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems().iter().map(|p| p.path.clone()).collect(),
    }
}

/// Checks that each `(text, path, expected)` case, after `prefix`, has a problem at `path`
/// whose message contains `expected`.
fn check_messages(prefix: &str, cases: &[(&str, &str, &str)]) {
    for (text, path, expected) in cases {
        let found = message(&format!("{prefix}{text}"), path);
        assert!(found.contains(expected), "{text}: {found}");
    }
}

fn message(text: &str, path: &str) -> String {
    let err = Config::from_toml(text, NO_ENV).unwrap_err();
    err.problems()
        .iter()
        .find(|p| p.path == path)
        .unwrap_or_else(|| panic!("no problem at {path}: {err}"))
        .message
        .clone()
}

#[test]
fn a_full_file_loads_into_types() {
    let config = Config::from_toml(FULL, NO_ENV).unwrap();
    let stripe = config.integration(Provider::Stripe).unwrap();
    assert_eq!(
        stripe.credential("api_key"),
        Some(&CredentialRef::Env("STRIPE_API_KEY".into()))
    );
    assert_eq!(
        stripe.credential("webhook_secret"),
        Some(&CredentialRef::File("/run/secrets/stripe".into()))
    );
    assert_eq!(stripe.topics, ["invoice.paid"]);
    assert_eq!(stripe.requests_per_second, NonZeroU32::new(25));
    assert_eq!(
        config
            .integration(Provider::Ups)
            .unwrap()
            .setting("client_id"),
        Some("made-up-client")
    );
    assert!(!config.is_enabled(Provider::TaxJar));
    assert!(!config.is_enabled(Provider::Resend));
    assert_eq!(config.mapping.ups_service("Express"), Some("02"));
    assert_eq!(config.mapping.ups_service("Anything else"), Some("03"));
    assert_eq!(config.mapping.tax_code("Apparel"), Some("20010"));
    assert_eq!(config.mapping.tax_code("Books"), None);
    assert_eq!(
        config.mapping.shipping_price.as_deref(),
        Some("price_shipping")
    );
    let policy = config.retry_policy(Provider::Ups);
    assert_eq!(policy.max_attempts(), 6);
    assert_eq!(policy.max_delay(), Duration::from_secs(2));
    assert_eq!(policy.deadline(), Duration::from_secs(60));
    assert_eq!(policy.delay_for(1), Duration::from_millis(100));
    assert_eq!(policy.delay_for(2), Duration::from_millis(200));
}

#[test]
fn the_shipped_example_file_is_valid() {
    let text = include_str!("../../../examples/proign.toml");
    let config = Config::from_toml(text, NO_ENV).unwrap();
    assert_eq!(config.integrations.len(), 6);
    assert!(config.integrations.values().all(|i| i.enabled));
}

#[test]
fn a_literal_secret_is_refused_without_echoing_it() {
    let text = "[integrations.taxjar]\napi_key = \"made_up_literal_taxjar_key\"";
    let err = Config::from_toml(text, NO_ENV).unwrap_err();
    assert_eq!(err.problems().len(), 1);
    assert_eq!(err.problems()[0].path, "integrations.taxjar.api_key");
    assert!(
        err.problems()[0]
            .message
            .contains("literal secrets are refused")
    );
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("made_up_literal_taxjar_key"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = r#"
        colour = "blue"
        [integrations.stripe]
        api_key = 42
        [integrations.fedex]
        [integrations.ups]
        client_secret = "env:"
        [mapping]
        default_service = "ground"
        [retry.ups]
        max_attempts = 0
    "#;
    assert_eq!(
        problems(text, &[]),
        [
            "colour",
            "integrations.fedex",
            "integrations.stripe.api_key",
            "integrations.stripe.webhook_secret",
            "integrations.ups.client_secret",
            "integrations.ups.callback_credential",
            "integrations.ups.client_id",
            "mapping.default_service",
            "retry.ups.max_attempts",
        ]
    );
}

#[test]
fn credential_references_are_checked() {
    assert!(
        message(
            "[integrations.turnstile]\nsecret_key = \"env:A-B\"",
            "integrations.turnstile.secret_key"
        )
        .contains("env: must name")
    );
    assert!(
        message(
            "[integrations.turnstile]\nsecret_key = \"file:  \"",
            "integrations.turnstile.secret_key"
        )
        .contains("file: must name")
    );
    assert!(
        message(
            "[integrations.turnstile]\nsecret_key = [\"env:A\"]",
            "integrations.turnstile.secret_key"
        )
        .contains("found an array")
    );
    assert!(
        message(
            "[integrations.turnstile]",
            "integrations.turnstile.secret_key"
        )
        .contains("missing")
    );
}

#[test]
fn a_disabled_integration_needs_no_credentials() {
    assert!(problems("[integrations.resend]\nenabled = false", &[]).is_empty());
}

#[test]
fn section_values_are_type_checked() {
    let base = "[integrations.turnstile]\nsecret_key = \"env:T\"\n";
    let cases = [
        (
            "enabled = \"yes\"",
            "integrations.turnstile.enabled",
            "true or false",
        ),
        (
            "topics = \"a\"",
            "integrations.turnstile.topics",
            "an array of text",
        ),
        (
            "topics = [\"a\", 1]",
            "integrations.turnstile.topics[1]",
            "found an integer",
        ),
        (
            "topics = [\" \"]",
            "integrations.turnstile.topics[0]",
            "must not be empty",
        ),
        (
            "base_url = \"ftp://x\"",
            "integrations.turnstile.base_url",
            "http://",
        ),
        (
            "base_url = 1",
            "integrations.turnstile.base_url",
            "expected text",
        ),
        (
            "requests_per_second = 0",
            "integrations.turnstile.requests_per_second",
            "1 to 10000",
        ),
        (
            "hostname = \"\"",
            "integrations.turnstile.hostname",
            "must not be empty",
        ),
        (
            "hostname = true",
            "integrations.turnstile.hostname",
            "expected text",
        ),
        (
            "api_key = \"env:X\"",
            "integrations.turnstile.api_key",
            "unknown key",
        ),
    ];
    check_messages(base, &cases);
}

#[test]
fn top_level_sections_must_be_tables() {
    assert_eq!(
        problems("integrations = 1\nmapping = []\nretry = \"x\"", &[]),
        ["integrations", "mapping", "retry"]
    );
    assert!(message("[integrations]\nups = 3", "integrations.ups").contains("a table"));
    assert!(message("[retry]\ndefault = 3", "retry.default").contains("a table"));
    assert!(message("[retry.dhl]", "retry.dhl").contains("unknown integration"));
}

#[test]
fn mapping_rules_are_checked() {
    let cases = [
        (
            "[mapping.shipping]\nExpress = \"2\"",
            "mapping.shipping.\"Express\"",
            "two-digit",
        ),
        (
            "[mapping.shipping]\nExpress = 2",
            "mapping.shipping.\"Express\"",
            "expected text",
        ),
        ("[mapping]\nshipping = 1", "mapping.shipping", "a table"),
        (
            "[mapping.tax_codes]\nApparel = \"A1\"",
            "mapping.tax_codes.\"Apparel\"",
            "product tax code",
        ),
        (
            "[mapping]\ndefault_service = 3",
            "mapping.default_service",
            "expected text",
        ),
        (
            "[mapping]\nshipping_price = \"prod_1\"",
            "mapping.shipping_price",
            "price_",
        ),
        (
            "[mapping]\nshipping_price = 1",
            "mapping.shipping_price",
            "expected text",
        ),
        ("[mapping]\ncolour = 1", "mapping.colour", "unknown key"),
    ];
    check_messages("", &cases);
}

#[test]
fn retry_policies_are_checked() {
    let cases = [
        (
            "max_attempts = 101",
            "retry.default.max_attempts",
            "1 to 100",
        ),
        (
            "base_delay_ms = -1",
            "retry.default.base_delay_ms",
            "0 to 86400000",
        ),
        (
            "deadline_ms = 0",
            "retry.default.deadline_ms",
            "more than 0",
        ),
        (
            "jitter = \"some\"",
            "retry.default.jitter",
            "\"full\" or \"none\"",
        ),
        (
            "base_delay_ms = 500\nmax_delay_ms = 100",
            "retry.default.max_delay_ms",
            "not be less",
        ),
        ("backoff = 2", "retry.default.backoff", "unknown key"),
    ];
    check_messages("[retry.default]\n", &cases);
}

#[test]
fn the_environment_overrides_the_file() {
    let env = [
        ("PROIGN_INTEGRATIONS__TAXJAR__ENABLED", "true"),
        ("PROIGN_INTEGRATIONS__TAXJAR__API_KEY", "env:TAXJAR_API_KEY"),
        ("PROIGN_RETRY__UPS__MAX_ATTEMPTS", "2"),
        ("PROIGN_MAPPING__SHIPPING__EXPRESS", "01"),
        // Not configuration keys: no `__`, or another prefix.
        ("PROIGN_UPS_BASE_URL", "http://127.0.0.1:1"),
        ("HOME", "/root"),
    ];
    let config = Config::from_toml(FULL, env).unwrap();
    assert!(config.is_enabled(Provider::TaxJar));
    assert_eq!(config.retry_policy(Provider::Ups).max_attempts(), 2);
    assert_eq!(config.retry_policy(Provider::Stripe).max_attempts(), 6);
    // The variable name is upper case; it overrides the file's "Express", adding no key.
    assert_eq!(config.mapping.ups_service("Express"), Some("01"));
    assert_eq!(
        config.mapping.shipping.len(),
        1,
        "{:?}",
        config.mapping.shipping
    );
}

#[test]
fn environment_overrides_are_validated_like_the_file() {
    let env = [
        (
            "PROIGN_INTEGRATIONS__STRIPE__API_KEY",
            "sk_test_made_up_in_env",
        ),
        ("PROIGN_INTEGRATIONS__STRIPE__TOPICS__X", "1"),
        ("PROIGN_RETRY____MAX_ATTEMPTS", "1"),
    ];
    let err = Config::from_toml(FULL, env).unwrap_err();
    let paths: Vec<&str> = err.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "integrations.stripe.topics.x",
            "retry..max_attempts",
            "integrations.stripe.api_key",
        ]
    );
    assert!(!err.to_string().contains("sk_test_made_up_in_env"));
    // Each problem says which variable set the value, not only the key the file would have.
    let from = |path: &str| {
        let problem = err.problems().iter().find(|p| p.path == path).unwrap();
        problem.message.clone()
    };
    assert!(
        from("integrations.stripe.api_key")
            .ends_with("(the value comes from PROIGN_INTEGRATIONS__STRIPE__API_KEY)")
    );
    assert!(
        from("integrations.stripe.topics.x").contains("PROIGN_INTEGRATIONS__STRIPE__TOPICS__X")
    );
    let retry = Config::from_toml(FULL, [("PROIGN_RETRY__UPS__MAX_ATTEMPTS", "abc")]).unwrap_err();
    assert!(
        retry.to_string().contains("retry.ups.max_attempts")
            && retry
                .to_string()
                .contains("PROIGN_RETRY__UPS__MAX_ATTEMPTS"),
        "{retry}"
    );
    // A problem the file itself has names no variable.
    let file_only = Config::from_toml("[retry.ups]\nmax_attempts = 0\n", NO_ENV).unwrap_err();
    assert!(!file_only.problems().is_empty());
    assert!(!file_only.to_string().contains("comes from"), "{file_only}");
}

#[test]
fn a_syntax_error_names_the_line_but_not_the_text() {
    let err = Config::from_toml("[a]\nb = \"sk_made_up_secret", NO_ENV).unwrap_err();
    let ConfigError::Syntax { line, .. } = &err else {
        panic!("{err}");
    };
    assert_eq!(*line, Some(2));
    assert!(!err.to_string().contains("sk_made_up_secret"));
}

#[test]
fn a_missing_file_is_a_read_error() {
    let err = Config::load("/nonexistent/proign.toml").unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }));
    assert!(err.problems().is_empty());
}

#[test]
fn credential_references_load_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key");
    std::fs::write(&path, "made-up-file-secret\n").unwrap();
    let reference = CredentialRef::parse(&format!("file:{}", path.display())).unwrap();
    assert_eq!(reference.load().unwrap().expose(), "made-up-file-secret");
    assert_eq!(reference.to_string(), format!("file:{}", path.display()));
    let missing = CredentialRef::parse("env:PROIGN_CONFIG_TEST_SURELY_UNSET").unwrap();
    assert!(matches!(missing.load(), Err(SecretError::NotSet { .. })));
}
