//! An email to send: recipients, content, headers, tags, attachments.

use base64::Engine;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

/// One address or several, sent the way they were given (a string or an array).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Recipients {
    /// One address, sent as a string.
    One(String),
    /// Several addresses, sent as an array.
    Many(Vec<String>),
}

impl Recipients {
    /// How many addresses.
    pub fn len(&self) -> usize {
        match self {
            Self::One(_) => 1,
            Self::Many(v) => v.len(),
        }
    }

    /// Whether there is no address.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The addresses.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let slice: &[String] = match self {
            Self::One(one) => std::slice::from_ref(one),
            Self::Many(v) => v,
        };
        slice.iter().map(String::as_str)
    }
}

impl From<&str> for Recipients {
    fn from(v: &str) -> Self {
        Self::One(v.to_owned())
    }
}

impl From<String> for Recipients {
    fn from(v: String) -> Self {
        Self::One(v)
    }
}

impl From<Vec<String>> for Recipients {
    fn from(v: Vec<String>) -> Self {
        Self::Many(v)
    }
}

impl<const N: usize> From<[&str; N]> for Recipients {
    fn from(v: [&str; N]) -> Self {
        Self::Many(v.iter().map(|s| (*s).to_owned()).collect())
    }
}

/// A tag: a name and value Resend echoes in events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// ASCII letters, digits, `_` and `-`, at most 256 characters.
    pub name: String,
    /// Same alphabet.
    pub value: String,
}

/// A file attached to an email: its bytes, or a URL Resend fetches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Attachment {
    /// The content, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The file name.
    pub filename: String,
    /// A URL to fetch the file from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The media type, when Resend should not guess it from the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// A content id, to show the file inline (`cid:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_id: Option<String>,
}

impl Attachment {
    /// An attachment of `bytes` named `filename`.
    pub fn from_bytes(filename: impl Into<String>, bytes: &[u8]) -> Self {
        Self {
            content: Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
            filename: filename.into(),
            path: None,
            content_type: None,
            content_id: None,
        }
    }

    /// An attachment Resend fetches from `url`.
    pub fn from_url(filename: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            content: None,
            filename: filename.into(),
            path: Some(url.into()),
            content_type: None,
            content_id: None,
        }
    }

    /// Sets the media type.
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// Sets the content id (inline images).
    pub fn content_id(mut self, id: impl Into<String>) -> Self {
        self.content_id = Some(id.into());
        self
    }
}

fn header_map<S: Serializer>(headers: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(headers.len()))?;
    for (k, v) in headers {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// An email for `POST /emails` or one entry of a batch.
///
/// Fields are serialised in alphabetical order, as Resend's own libraries send them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Email {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<Attachment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bcc: Option<Recipients>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cc: Option<Recipients>,
    from: String,
    #[serde(serialize_with = "header_map", skip_serializing_if = "Vec::is_empty")]
    headers: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_to: Option<Recipients>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_at: Option<String>,
    subject: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    to: Recipients,
}

impl Email {
    /// An email from `from` (`Name <address>` or an address) to `to` about `subject`.
    pub fn new(
        from: impl Into<String>,
        to: impl Into<Recipients>,
        subject: impl Into<String>,
    ) -> Self {
        Self {
            attachments: Vec::new(),
            bcc: None,
            cc: None,
            from: from.into(),
            headers: Vec::new(),
            html: None,
            reply_to: None,
            scheduled_at: None,
            subject: subject.into(),
            tags: Vec::new(),
            text: None,
            to: to.into(),
        }
    }

    /// The HTML body.
    pub fn html(mut self, html: impl Into<String>) -> Self {
        self.html = Some(html.into());
        self
    }

    /// The plain-text body.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Carbon copies.
    pub fn cc(mut self, cc: impl Into<Recipients>) -> Self {
        self.cc = Some(cc.into());
        self
    }

    /// Blind carbon copies.
    pub fn bcc(mut self, bcc: impl Into<Recipients>) -> Self {
        self.bcc = Some(bcc.into());
        self
    }

    /// Where replies go.
    pub fn reply_to(mut self, reply_to: impl Into<Recipients>) -> Self {
        self.reply_to = Some(reply_to.into());
        self
    }

    /// Adds a custom header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push(Tag {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Adds an attachment.
    pub fn attachment(mut self, attachment: Attachment) -> Self {
        self.attachments.push(attachment);
        self
    }

    /// Schedules the email: ISO 8601 or natural language (`in 1 hour`).
    pub fn scheduled_at(mut self, when: impl Into<String>) -> Self {
        self.scheduled_at = Some(when.into());
        self
    }

    /// The recipients.
    pub fn to_recipients(&self) -> &Recipients {
        &self.to
    }

    /// The subject.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    pub(crate) fn has_attachments(&self) -> bool {
        !self.attachments.is_empty()
    }

    pub(crate) fn is_scheduled(&self) -> bool {
        self.scheduled_at.is_some()
    }
}
