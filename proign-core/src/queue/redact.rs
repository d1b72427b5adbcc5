//! Making error text safe to store: no credentials, bounded size.

/// The most bytes of error text stored with a job.
pub const MAX_ERROR_BYTES: usize = 1024;

const SECRET_PREFIXES: [&str; 8] = [
    "sk_", "rk_", "pk_", "whsec_", "shpat_", "shpss_", "shpca_", "re_",
];
const SECRET_NAMES: [&str; 7] = [
    "key",
    "secret",
    "token",
    "password",
    "authorization",
    "signature",
    "hmac",
];

/// Redacts what looks like a credential and cuts the text to [`MAX_ERROR_BYTES`].
///
/// Masked: words with a provider key prefix (`sk_…`, `whsec_…`, `shpat_…`, …), the word after
/// `Bearer` or `Basic`, the value of any `name=value` or `name: value` whose name mentions a
/// key, secret, token, password, signature or authorization, and long unbroken runs of
/// letters and digits (40 or more). Control characters become spaces.
///
/// ```
/// use proign_core::queue::redact_error;
///
/// let text = redact_error("503 from api: Authorization: Bearer sk_live_abcdef api_key=xyz");
/// assert_eq!(text, "503 from api: Authorization: [redacted] [redacted] api_key=[redacted]");
/// ```
pub fn redact_error(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_ERROR_BYTES));
    let mut mask_next = false;
    // Only the head can be kept, so only the head is looked at.
    let clean: String = text
        .chars()
        .take(MAX_ERROR_BYTES * 2)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    for (i, word) in clean.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&redact_word(word, &mut mask_next));
        if out.len() > MAX_ERROR_BYTES {
            break;
        }
    }
    truncate(&mut out);
    out
}

fn redact_word(word: &str, mask_next: &mut bool) -> String {
    if std::mem::take(mask_next) && !word.is_empty() {
        return "[redacted]".to_owned();
    }
    let lower = word.to_ascii_lowercase();
    if lower == "bearer" || lower == "basic" {
        *mask_next = true;
        return word.to_owned();
    }
    if SECRET_PREFIXES.iter().any(|p| word.starts_with(p)) && word.len() > 4 {
        return "[redacted]".to_owned();
    }
    if let Some((name, _)) = word.split_once('=')
        && SECRET_NAMES
            .iter()
            .any(|n| name.to_ascii_lowercase().contains(n))
    {
        return format!("{name}=[redacted]");
    }
    if let Some(name) = lower.strip_suffix(':')
        && SECRET_NAMES.iter().any(|n| name.contains(n))
    {
        *mask_next = true;
        return word.to_owned();
    }
    if word.chars().filter(|c| c.is_ascii_alphanumeric()).count() >= 40
        && !word.contains(['/', '.'])
    {
        return "[redacted]".to_owned();
    }
    word.to_owned()
}

fn truncate(text: &mut String) {
    if text.len() <= MAX_ERROR_BYTES {
        return;
    }
    let mut end = MAX_ERROR_BYTES - 3;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push_str("...");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let text = "é".repeat(2_000);
        let out = redact_error(&text);
        assert!(out.len() <= MAX_ERROR_BYTES);
        assert!(out.ends_with("..."));
    }

    #[test]
    fn secrets_in_pairs_and_prefixes_are_masked() {
        let out = redact_error("failed client_secret=abc whsec_xyz123 token: t0k\nnext");
        assert_eq!(
            out,
            "failed client_secret=[redacted] [redacted] token: [redacted] next"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_comes_out_bounded_and_without_control_characters(text in ".{0,3000}") {
            let out = redact_error(&text);
            proptest::prop_assert!(out.len() <= MAX_ERROR_BYTES);
            proptest::prop_assert!(!out.chars().any(char::is_control));
        }
    }

    #[test]
    fn ordinary_words_survive() {
        assert_eq!(
            redact_error("HTTP 503 Service Unavailable"),
            "HTTP 503 Service Unavailable"
        );
    }
}
