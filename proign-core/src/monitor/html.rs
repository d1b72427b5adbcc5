//! The monitor page: plain HTML with inline styles, readable at a glance.

use std::fmt::Write as _;

use super::http::Status;
use super::{IntegrationSnapshot, State};
use crate::queue::UnixMillis;

/// Escapes text for HTML element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn when(at: Option<UnixMillis>) -> String {
    at.and_then(chrono::DateTime::from_timestamp_millis)
        .map_or_else(
            || "never".to_owned(),
            |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        )
}

fn colour(state: State) -> &'static str {
    match state {
        State::Connected => "#1a7f37",
        State::Degraded => "#9a6700",
        State::Failing => "#cf222e",
        _ => "#57606a",
    }
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem;color:#1f2328}\
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border-bottom:1px solid #d0d7de;\
padding:.35rem .7rem;text-align:left;vertical-align:top}th{background:#f6f8fa}\
.state{color:#fff;border-radius:1rem;padding:.1rem .6rem;font-weight:600}\
.err{color:#cf222e;max-width:32rem;word-break:break-word}small{color:#57606a}";

fn integration_row(out: &mut String, i: &IntegrationSnapshot, snap_now: UnixMillis) {
    let c = &i.counters;
    let error = i.last_error.as_ref().map_or_else(String::new, |e| {
        format!(
            "{} <small>{} · {}</small>",
            esc(&e.message),
            esc(&e.context),
            when(Some(e.at))
        )
    });
    let reason = i.state_reason.as_deref().map(esc).unwrap_or_default();
    let token = i
        .token_expires_at
        .map_or_else(|| "—".to_owned(), |t| when(Some(t)));
    let latency = if i.latency.samples == 0 {
        "—".to_owned()
    } else {
        format!("{} / {} ms", i.latency.p50_ms, i.latency.p95_ms)
    };
    let backlog = i.backlog.map_or_else(
        || "—".to_owned(),
        |b| {
            let age = b.oldest_enqueued_at.map_or_else(String::new, |at| {
                format!(", oldest {} s", snap_now.saturating_sub(at).max(0) / 1000)
            });
            format!("{} waiting{age}; {} dead", b.depth, b.dead)
        },
    );
    let _ = write!(
        out,
        "<tr data-provider=\"{p}\"><td><b>{p}</b></td>\
         <td><span class=\"state\" style=\"background:{bg}\">{state}</span><br><small>{reason}</small></td>\
         <td>{success}</td><td class=\"err\">{error}</td>\
         <td>{rcv} / {ver} / {rej}</td><td>{del} / {ret} / {dead}</td><td>{calls} / {fail}</td>\
         <td>{latency}</td><td>{backlog}</td><td>{token}</td></tr>",
        p = esc(&i.provider),
        bg = colour(i.state),
        state = i.state.as_str(),
        success = when(i.last_success_at),
        rcv = c.received,
        ver = c.verified,
        rej = c.rejected,
        del = c.delivered,
        ret = c.retried,
        dead = c.dead_lettered,
        calls = c.calls,
        fail = c.failures,
    );
}

/// The whole page; `redrive_base` is the router's base path when redriving is enabled.
pub(super) fn render(status: &Status, redrive_base: Option<&str>) -> String {
    let snap = &status.snapshot;
    let mut out = String::with_capacity(8 * 1024);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>Integrations</title><style>{STYLE}</style></head><body>\
         <h1>Integrations</h1><p><small>as of {}</small></p>",
        when(Some(snap.taken_at))
    );
    out.push_str(
        "<table><tr><th>Integration</th><th>State</th><th>Last success</th><th>Last error</th>\
         <th>Received / verified / rejected</th><th>Delivered / retried / dead</th>\
         <th>Calls / failed</th><th>Latency p50 / p95</th><th>Backlog</th><th>Token expires</th></tr>",
    );
    for integration in &snap.integrations {
        integration_row(&mut out, integration, snap.taken_at);
    }
    if snap.integrations.is_empty() {
        out.push_str("<tr><td colspan=\"10\">Nothing recorded yet.</td></tr>");
    }
    out.push_str("</table><h2>Queue</h2>");
    match (&snap.queue, status.queue_readable) {
        (Some(q), true) => {
            let age = q
                .oldest_age_ms
                .map_or_else(|| "—".to_owned(), |ms| format!("{} s", ms / 1000));
            let _ = write!(
                out,
                "<p>{} waiting ({} running), oldest {}; dead letters: {}</p>",
                q.depth, q.leased, age, q.dead
            );
        }
        _ => out.push_str("<p class=\"err\">The queue could not be read.</p>"),
    }
    out.push_str("<h2>Dead letters</h2>");
    if status.dead_letters.is_empty() {
        out.push_str("<p>None.</p>");
    } else {
        out.push_str(
            "<table><tr><th>Job</th><th>Kind</th><th>Attempts</th><th>Last error</th>\
             <th>Dead since</th><th>Idempotency key</th><th></th></tr>",
        );
        for d in &status.dead_letters {
            let button = if let Some(base) = redrive_base {
                format!(
                    "<form method=\"post\" action=\"{}/dead-letters/{}/redrive\">\
                     <input type=\"password\" name=\"token\" placeholder=\"redrive token\" required> \
                     <button>Redrive</button></form>",
                    esc(base),
                    d.id
                )
            } else {
                "<small>redrive disabled</small>".to_owned()
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{} of {}</td><td class=\"err\">{}</td><td>{}</td>\
                 <td><small>{}</small></td><td>{}</td></tr>",
                d.id,
                esc(&d.kind),
                d.attempts,
                d.max_attempts,
                esc(d.last_error.as_deref().unwrap_or("")),
                when(Some(d.dead_at)),
                esc(&d.idempotency_key),
                button
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_provider_text_is_escaped() {
        assert_eq!(
            esc("<script>\"x\" & 'y'"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;"
        );
    }
}
