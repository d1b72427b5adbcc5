//! Sending, batches, and scheduled emails.

use http::{HeaderName, HeaderValue, Method};
use proign_core::http::Request;
use proign_core::idempotency::IdempotencyKey;
use serde::{Deserialize, Serialize};

use crate::client::ResendClient;
use crate::email::{Email, Recipients, Tag};
use crate::error::Error;

/// The most emails one batch may carry.
pub const MAX_BATCH: usize = 100;

static BATCH_VALIDATION: HeaderName = HeaderName::from_static("x-batch-validation");

/// How Resend checks a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BatchValidation {
    /// One invalid email refuses the whole batch.
    #[default]
    Strict,
    /// Valid emails are sent; invalid ones are listed in [`BatchSent::errors`].
    Permissive,
}

impl BatchValidation {
    fn as_str(self) -> &'static str {
        match self {
            Self::Strict => "strict",
            Self::Permissive => "permissive",
        }
    }
}

/// Resend's answer to a send: the email's id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Sent {
    /// The email's id.
    pub id: String,
}

/// One refused email of a permissive batch.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct BatchError {
    /// Its position in the batch.
    pub index: usize,
    /// Why.
    pub message: String,
}

/// Resend's answer to a batch.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct BatchSent {
    /// The ids of the emails sent, in order.
    pub data: Vec<Sent>,
    /// The emails refused (permissive batches).
    #[serde(default)]
    pub errors: Vec<BatchError>,
}

/// An email as Resend keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SentEmail {
    /// The id.
    pub id: String,
    /// The sender.
    #[serde(default)]
    pub from: Option<String>,
    /// The recipients.
    #[serde(default)]
    pub to: Option<Recipients>,
    /// Carbon copies.
    #[serde(default)]
    pub cc: Option<Recipients>,
    /// Blind carbon copies.
    #[serde(default)]
    pub bcc: Option<Recipients>,
    /// Reply-to addresses.
    #[serde(default)]
    pub reply_to: Option<Recipients>,
    /// The subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// The HTML body.
    #[serde(default)]
    pub html: Option<String>,
    /// The text body.
    #[serde(default)]
    pub text: Option<String>,
    /// When it was created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// When it is scheduled.
    #[serde(default)]
    pub scheduled_at: Option<String>,
    /// The last event (`delivered`, `scheduled`, `canceled`…), as sent.
    #[serde(default)]
    pub last_event: Option<String>,
    /// The tags.
    #[serde(default)]
    pub tags: Option<Vec<Tag>>,
    /// Other fields, as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct Reschedule<'a> {
    scheduled_at: &'a str,
}

fn body(request: Request, value: &impl Serialize) -> Result<Request, Error> {
    request.json(value).map_err(|e| Error::InvalidInput {
        what: "request body",
        reason: e.to_string(),
    })
}

fn check_id(id: &str) -> Result<String, Error> {
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::InvalidInput {
            what: "email id",
            reason: "not an id Resend issues".into(),
        });
    }
    Ok(id.to_owned())
}

impl ResendClient {
    /// `POST /emails` with a fresh idempotency key, sent unchanged on every retry.
    pub async fn send(&self, email: &Email) -> Result<Sent, Error> {
        self.send_with_key(email, IdempotencyKey::new()).await
    }

    /// `POST /emails` with `key`: store the key with the job that sends the email, so a
    /// replayed job cannot send it twice (Resend keeps keys for 24 hours).
    pub async fn send_with_key(&self, email: &Email, key: IdempotencyKey) -> Result<Sent, Error> {
        let request = body(Request::post("send_email", "/emails"), email)?.idempotency_key(key);
        self.call(request).await
    }

    /// `POST /emails/batch`: up to [`MAX_BATCH`] emails (without attachments or schedules),
    /// checked as `validation` says, with a fresh idempotency key.
    pub async fn send_batch(
        &self,
        emails: &[Email],
        validation: BatchValidation,
    ) -> Result<BatchSent, Error> {
        self.send_batch_with_key(emails, validation, IdempotencyKey::new())
            .await
    }

    /// [`send_batch`](Self::send_batch) with a stored idempotency key.
    pub async fn send_batch_with_key(
        &self,
        emails: &[Email],
        validation: BatchValidation,
        key: IdempotencyKey,
    ) -> Result<BatchSent, Error> {
        if emails.is_empty() || emails.len() > MAX_BATCH {
            return Err(Error::InvalidInput {
                what: "batch",
                reason: format!("{} emails; a batch holds 1 to {MAX_BATCH}", emails.len()),
            });
        }
        if let Some(i) = emails
            .iter()
            .position(|e| e.has_attachments() || e.is_scheduled())
        {
            return Err(Error::InvalidInput {
                what: "batch",
                reason: format!("email {i} has attachments or a schedule, which batches refuse"),
            });
        }
        let request = Request::post("send_batch", "/emails/batch").header(
            BATCH_VALIDATION.clone(),
            HeaderValue::from_static(validation.as_str()),
        );
        let request = body(request, &emails)?.idempotency_key(key);
        self.call(request).await
    }

    /// `GET /emails/:id`.
    pub async fn get(&self, id: &str) -> Result<SentEmail, Error> {
        let path = format!("/emails/{}", check_id(id)?);
        self.call(Request::get("get_email", path)).await
    }

    /// `PATCH /emails/:id`: moves a scheduled email to `scheduled_at`.
    pub async fn reschedule(&self, id: &str, scheduled_at: &str) -> Result<Sent, Error> {
        let path = format!("/emails/{}", check_id(id)?);
        let request = Request::new(Method::PATCH, "update_email", path).replay_safe();
        let request = body(request, &Reschedule { scheduled_at })?;
        self.call(request).await
    }

    /// `POST /emails/:id/cancel`: cancels a scheduled email.
    pub async fn cancel(&self, id: &str) -> Result<Sent, Error> {
        let path = format!("/emails/{}/cancel", check_id(id)?);
        self.call(Request::post("cancel_email", path).replay_safe())
            .await
    }
}
