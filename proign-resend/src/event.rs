//! Resend's email events.
//!
//! Known event types are variants of [`EmailEventType`]; any other type is kept as
//! [`EmailEventType::Other`]. Fields Resend adds later stay reachable in `extra`.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// One webhook event about an email.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct EmailEvent {
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EmailEventType,
    /// When the event was created (ISO 8601, as sent).
    #[serde(default)]
    pub created_at: Option<String>,
    /// The email it concerns.
    pub data: EmailEventData,
}

impl EmailEvent {
    /// Parses an event from verified bytes.
    pub fn from_slice(body: &[u8]) -> Result<Self, EventError> {
        serde_json::from_slice(body).map_err(EventError)
    }
}

/// The email an event concerns.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct EmailEventData {
    /// The id Resend gave the email when it was sent.
    #[serde(default)]
    pub email_id: Option<String>,
    /// The sender.
    #[serde(default)]
    pub from: Option<String>,
    /// The recipients.
    #[serde(default)]
    pub to: Vec<String>,
    /// The subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// When the email was created, as sent.
    #[serde(default)]
    pub created_at: Option<String>,
    /// The tags the email was sent with.
    #[serde(default, deserialize_with = "tags")]
    pub tags: Map<String, Value>,
    /// For `email.bounced`: what bounced and why.
    #[serde(default)]
    pub bounce: Option<Bounce>,
    /// For `email.clicked`: the click.
    #[serde(default)]
    pub click: Option<Click>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Why an email bounced.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Bounce {
    /// The bounce class, such as `Permanent` or `Transient`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// A finer class, such as `Suppressed`.
    #[serde(default, rename = "subType")]
    pub sub_kind: Option<String>,
    /// The receiving server's explanation.
    #[serde(default)]
    pub message: Option<String>,
}

/// A tracked click.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Click {
    /// The link clicked.
    #[serde(default)]
    pub link: Option<String>,
    /// When, as sent.
    #[serde(default)]
    pub timestamp: Option<String>,
}

/// The body is not a Resend event.
#[derive(Debug, thiserror::Error)]
#[error("the body is not a Resend email event")]
pub struct EventError(#[source] serde_json::Error);

/// The type of an email event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EmailEventType {
    /// `email.sent`: accepted by Resend.
    Sent,
    /// `email.delivered`: accepted by the recipient's server.
    Delivered,
    /// `email.delivery_delayed`: delivery is being retried.
    DeliveryDelayed,
    /// `email.bounced`: the recipient's server refused it.
    Bounced,
    /// `email.complained`: the recipient marked it as spam.
    Complained,
    /// `email.opened`
    Opened,
    /// `email.clicked`
    Clicked,
    /// `email.failed`: Resend could not send it.
    Failed,
    /// Any other type, as Resend named it.
    Other(String),
}

impl EmailEventType {
    const KNOWN: [(&'static str, EmailEventType); 8] = [
        ("email.sent", Self::Sent),
        ("email.delivered", Self::Delivered),
        ("email.delivery_delayed", Self::DeliveryDelayed),
        ("email.bounced", Self::Bounced),
        ("email.complained", Self::Complained),
        ("email.opened", Self::Opened),
        ("email.clicked", Self::Clicked),
        ("email.failed", Self::Failed),
    ];

    /// Reads a type name.
    pub fn parse(name: &str) -> Self {
        Self::KNOWN
            .iter()
            .find(|(known, _)| *known == name)
            .map_or_else(|| Self::Other(name.to_owned()), |(_, kind)| kind.clone())
    }

    /// The type as Resend names it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Other(name) => name,
            known => Self::KNOWN
                .iter()
                .find(|(_, kind)| kind == known)
                .map_or("", |(name, _)| name),
        }
    }
}

impl<'de> Deserialize<'de> for EmailEventType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Ok(Self::parse(&name))
    }
}

/// Tags arrive as an object, or as a list of `{name, value}` pairs in older payloads.
fn tags<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Map<String, Value>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::Object(map)) => map,
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|item| {
                let name = item.get("name")?.as_str()?.to_owned();
                Some((name, item.get("value").cloned().unwrap_or(Value::Null)))
            })
            .collect(),
        _ => Map::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_types() {
        let body = br#"{"type":"email.delivered","created_at":"2026-01-01T00:00:00.000Z","data":{"broadcast_id":null,"email_id":"56761188","from":"Acme <onboarding@resend.dev>","to":["delivered@resend.dev"],"subject":"Hi","tags":{"category":"confirm_email"}}}"#;
        let event = EmailEvent::from_slice(body).unwrap();
        assert_eq!(event.kind, EmailEventType::Delivered);
        assert_eq!(event.data.tags["category"], "confirm_email");
        assert!(event.data.extra.contains_key("broadcast_id"));

        let later = br#"{"type":"email.scheduled","data":{"tags":[{"name":"a","value":"b"}]}}"#;
        let event = EmailEvent::from_slice(later).unwrap();
        assert_eq!(event.kind, EmailEventType::Other("email.scheduled".into()));
        assert_eq!(event.kind.as_str(), "email.scheduled");
        assert_eq!(event.data.tags["a"], "b");
        for (name, kind) in EmailEventType::KNOWN {
            assert_eq!(kind.as_str(), name);
        }
        assert!(EmailEvent::from_slice(b"<html>").is_err());
    }
}
