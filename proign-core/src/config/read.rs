//! Walks the parsed TOML, collecting every problem with its key path.

use std::collections::BTreeMap;
use std::num::NonZeroU32;

use toml::{Table, Value};

use super::schema::{
    COMMON_KEYS, CREDENTIAL_KEYS, MAPPING_KEYS, RETRY_KEYS, SETTING_KEYS, keys_of, provider,
};
use super::{Config, CredentialRef, ENV_PREFIX, Integration, Mapping, Problem, millis};
use crate::Provider;
use crate::retry::{Jitter, RetryPolicy};

fn problem(problems: &mut Vec<Problem>, path: &str, message: impl Into<String>) {
    problems.push(Problem {
        path: path.to_owned(),
        message: message.into(),
    });
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "text",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

fn wrong(problems: &mut Vec<Problem>, path: &str, expected: &str, found: &Value) {
    problem(
        problems,
        path,
        format!("expected {expected}, found {}", kind(found)),
    );
}

/// Sets every `PROIGN_A__B__C` variable as key `a.b.c`; variables without `__` are not
/// configuration keys (`PROIGN_UPS_BASE_URL` and the like) and are left alone.
///
/// Returns the key path and variable name of every override set, so problems found later at
/// those paths can say where their value came from.
pub(super) fn apply_env<K, V>(
    table: &mut Table,
    env: impl IntoIterator<Item = (K, V)>,
    problems: &mut Vec<Problem>,
) -> Vec<(String, String)>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut vars: Vec<(String, String)> = env
        .into_iter()
        .filter_map(|(k, v)| {
            let rest = k.as_ref().strip_prefix(ENV_PREFIX)?;
            rest.contains("__")
                .then(|| (rest.to_owned(), v.as_ref().to_owned()))
        })
        .collect();
    vars.sort();
    let mut applied = Vec::new();
    for (name, text) in vars {
        let parts: Vec<String> = name.split("__").map(str::to_ascii_lowercase).collect();
        let path = parts.join(".");
        if parts.iter().any(String::is_empty) {
            problem(
                problems,
                &path,
                format!("{ENV_PREFIX}{name} is not a key path"),
            );
            continue;
        }
        let value = format!("v = {text}")
            .parse::<Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or(Value::String(text));
        if set(table, &parts, value) {
            applied.push((path, format!("{ENV_PREFIX}{name}")));
        } else {
            let message = format!("{ENV_PREFIX}{name} goes inside a value that is not a table");
            problem(problems, &path, message);
        }
    }
    applied
}

/// Appends to each problem at (or under) an overridden key path which variable set it.
pub(super) fn name_overrides(problems: &mut [Problem], applied: &[(String, String)]) {
    for problem in problems {
        let path = problem.path.as_str();
        let from = applied.iter().find(|(key, _)| {
            path.eq_ignore_ascii_case(key)
                || (path.len() > key.len()
                    && path.as_bytes()[key.len()] == b'.'
                    && path[..key.len()].eq_ignore_ascii_case(key))
        });
        if let Some((_, variable)) = from {
            problem
                .message
                .push_str(&format!(" (the value comes from {variable})"));
        }
    }
}

/// Sets `value` at key path `parts`, creating tables on the way; `false` when a part on the
/// way is not a table.
fn set(table: &mut Table, parts: &[String], value: Value) -> bool {
    match parts {
        [] => false,
        [last] => {
            table.insert(existing_key(table, last), value);
            true
        }
        [first, rest @ ..] => match table
            .entry(existing_key(table, first))
            .or_insert_with(|| Value::Table(Table::new()))
        {
            Value::Table(inner) => set(inner, rest, value),
            _ => false,
        },
    }
}

/// The key of `table` that `part` (lower case, from a variable name) stands for: a key the
/// file already has that differs only in case (`"Express"` in `[mapping.shipping]`), when
/// exactly one does, else `part` itself. Without it an override of such a key would add a
/// second, lower-case key and leave the file's value in force.
fn existing_key(table: &Table, part: &str) -> String {
    let mut matches = table.keys().filter(|key| key.eq_ignore_ascii_case(part));
    match (matches.next(), matches.next()) {
        (Some(key), None) => key.clone(),
        _ => part.to_owned(),
    }
}

pub(super) fn config(table: &Table, problems: &mut Vec<Problem>) -> Config {
    let mut config = Config::default();
    for (key, value) in table {
        match (key.as_str(), value) {
            ("integrations", Value::Table(t)) => config.integrations = integrations(t, problems),
            ("mapping", Value::Table(t)) => config.mapping = mapping(t, problems),
            ("retry", Value::Table(t)) => {
                for (name, value) in t {
                    let path = format!("retry.{name}");
                    let Value::Table(section) = value else {
                        wrong(problems, &path, "a table", value);
                        continue;
                    };
                    let policy = retry(&path, section, problems);
                    match (name.as_str(), provider(name)) {
                        ("default", _) => config.default_retry = policy,
                        (_, Some(p)) => {
                            config.retry.insert(p, policy);
                        }
                        (_, None) => unknown_integration(problems, &path),
                    }
                }
            }
            ("integrations" | "mapping" | "retry", other) => wrong(problems, key, "a table", other),
            _ => unknown(problems, key, &["integrations", "mapping", "retry"]),
        }
    }
    config
}

fn unknown(problems: &mut Vec<Problem>, path: &str, expected: &[&str]) {
    problem(
        problems,
        path,
        format!("unknown key; expected one of: {}", expected.join(", ")),
    );
}

fn unknown_integration(problems: &mut Vec<Problem>, path: &str) {
    let names: Vec<&str> = CREDENTIAL_KEYS.iter().map(|(p, _)| p.as_str()).collect();
    problem(
        problems,
        path,
        format!("unknown integration; expected one of: {}", names.join(", ")),
    );
}

fn integrations(table: &Table, problems: &mut Vec<Problem>) -> BTreeMap<Provider, Integration> {
    let mut out = BTreeMap::new();
    for (name, value) in table {
        let path = format!("integrations.{name}");
        let Some(provider) = provider(name) else {
            unknown_integration(problems, &path);
            continue;
        };
        let Value::Table(section) = value else {
            wrong(problems, &path, "a table", value);
            continue;
        };
        out.insert(provider, integration(provider, &path, section, problems));
    }
    out
}

fn integration(
    provider: Provider,
    path: &str,
    table: &Table,
    problems: &mut Vec<Problem>,
) -> Integration {
    let credential_keys = keys_of(CREDENTIAL_KEYS, provider);
    let setting_keys = keys_of(SETTING_KEYS, provider);
    let mut out = Integration {
        enabled: true,
        credentials: BTreeMap::new(),
        settings: BTreeMap::new(),
        topics: Vec::new(),
        base_url: None,
        requests_per_second: None,
    };
    for (key, value) in table {
        let at = format!("{path}.{key}");
        match key.as_str() {
            "enabled" => match value {
                Value::Boolean(b) => out.enabled = *b,
                other => wrong(problems, &at, "true or false", other),
            },
            "topics" => out.topics = strings(&at, value, problems),
            "base_url" => match value.as_str() {
                Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                    out.base_url = Some(url.to_owned());
                }
                Some(_) => problem(problems, &at, "must start with http:// or https://"),
                None => wrong(problems, &at, "text", value),
            },
            "requests_per_second" => {
                match value
                    .as_integer()
                    .filter(|n| (1..=10_000).contains(n))
                    .and_then(|n| u32::try_from(n).ok())
                    .and_then(NonZeroU32::new)
                {
                    Some(rate) => out.requests_per_second = Some(rate),
                    None => problem(problems, &at, "expected an integer from 1 to 10000"),
                }
            }
            k if credential_keys.contains(&k) => match value.as_str() {
                // The message never repeats the value: it may be a secret pasted by mistake.
                Some(text) => match CredentialRef::parse(text) {
                    Ok(reference) => {
                        out.credentials.insert(key.clone(), reference);
                    }
                    Err(why) => problem(problems, &at, why),
                },
                None => wrong(problems, &at, "env:NAME or file:PATH", value),
            },
            k if setting_keys.contains(&k) => match value.as_str() {
                Some(text) if !text.trim().is_empty() => {
                    out.settings.insert(key.clone(), text.to_owned());
                }
                Some(_) => problem(problems, &at, "must not be empty"),
                None => wrong(problems, &at, "text", value),
            },
            _ => {
                let all: Vec<&str> = COMMON_KEYS
                    .iter()
                    .chain(credential_keys)
                    .chain(setting_keys)
                    .copied()
                    .collect();
                unknown(problems, &at, &all);
            }
        }
    }
    if out.enabled {
        for key in credential_keys {
            if !out.credentials.contains_key(*key) && !table.contains_key(*key) {
                problem(
                    problems,
                    &format!("{path}.{key}"),
                    "missing; set env:NAME or file:PATH (or enabled = false)",
                );
            }
        }
        if provider == Provider::Ups && !table.contains_key("client_id") {
            problem(problems, &format!("{path}.client_id"), "missing");
        }
    }
    out
}

fn strings(path: &str, value: &Value, problems: &mut Vec<Problem>) -> Vec<String> {
    let Value::Array(items) = value else {
        wrong(problems, path, "an array of text", value);
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str() {
            Some(s) if !s.trim().is_empty() => out.push(s.to_owned()),
            Some(_) => problem(problems, &format!("{path}[{i}]"), "must not be empty"),
            None => wrong(problems, &format!("{path}[{i}]"), "text", item),
        }
    }
    out
}

fn codes(
    path: &str,
    value: &Value,
    check: fn(&str) -> bool,
    what: &str,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, String> {
    let Value::Table(table) = value else {
        wrong(problems, path, "a table", value);
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for (key, value) in table {
        let at = format!("{path}.\"{key}\"");
        match value.as_str() {
            Some(code) if check(code) => {
                out.insert(key.clone(), code.to_owned());
            }
            Some(_) => problem(problems, &at, format!("expected {what}")),
            None => wrong(problems, &at, "text", value),
        }
    }
    out
}

fn ups_service(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit())
}

fn tax_code(code: &str) -> bool {
    (1..=10).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

fn mapping(table: &Table, problems: &mut Vec<Problem>) -> Mapping {
    let mut out = Mapping::default();
    let service = "a two-digit UPS service code such as \"03\"";
    for (key, value) in table {
        let at = format!("mapping.{key}");
        match key.as_str() {
            "shipping" => out.shipping = codes(&at, value, ups_service, service, problems),
            "tax_codes" => {
                let what = "a TaxJar product tax code (digits) such as \"20010\"";
                out.tax_codes = codes(&at, value, tax_code, what, problems);
            }
            "default_service" => match value.as_str() {
                Some(code) if ups_service(code) => out.default_service = Some(code.to_owned()),
                Some(_) => problem(problems, &at, format!("expected {service}")),
                None => wrong(problems, &at, "text", value),
            },
            "shipping_price" => match value.as_str() {
                Some(id) if id.starts_with("price_") && id.len() > 6 => {
                    out.shipping_price = Some(id.to_owned());
                }
                Some(_) => problem(problems, &at, "expected a Stripe price id (price_…)"),
                None => wrong(problems, &at, "text", value),
            },
            _ => unknown(problems, &at, MAPPING_KEYS),
        }
    }
    out
}

fn retry(path: &str, table: &Table, problems: &mut Vec<Problem>) -> RetryPolicy {
    let mut policy = RetryPolicy::default();
    let mut base = None;
    let mut cap = None;
    for (key, value) in table {
        let at = format!("{path}.{key}");
        let number = value.as_integer();
        match key.as_str() {
            "max_attempts" => match number.filter(|n| (1..=100).contains(n)) {
                Some(n) => policy = policy.with_max_attempts(u32::try_from(n).unwrap_or(1)),
                None => problem(problems, &at, "expected an integer from 1 to 100"),
            },
            "base_delay_ms" | "max_delay_ms" | "deadline_ms" => {
                match number.filter(|n| (0..=86_400_000).contains(n)) {
                    Some(ms) if key == "base_delay_ms" => {
                        base = Some(ms);
                        policy = policy.with_base_delay(millis(ms));
                    }
                    Some(ms) if key == "max_delay_ms" => {
                        cap = Some(ms);
                        policy = policy.with_max_delay(millis(ms));
                    }
                    Some(0) => problem(problems, &at, "must be more than 0"),
                    Some(ms) => policy = policy.with_deadline(millis(ms)),
                    None => problem(
                        problems,
                        &at,
                        "expected milliseconds from 0 to 86400000 (one day)",
                    ),
                }
            }
            "jitter" => match value.as_str() {
                Some("full") => policy = policy.with_jitter(Jitter::Full),
                Some("none") => policy = policy.with_jitter(Jitter::None),
                _ => problem(problems, &at, "expected \"full\" or \"none\""),
            },
            _ => unknown(problems, &at, RETRY_KEYS),
        }
    }
    if let (Some(base), Some(cap)) = (base, cap)
        && cap < base
    {
        problem(
            problems,
            &format!("{path}.max_delay_ms"),
            "must not be less than base_delay_ms",
        );
    }
    policy
}
