use std::fmt;

/// Why a delivery was rejected.
///
/// `Display` says what was wrong without repeating any secret or signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A required header is absent or empty.
    #[error(
        "missing header {name}: the sender did not set it, or a proxy or CDN in front of this \
         service stripped it"
    )]
    MissingHeader {
        /// The header's canonical name.
        name: &'static str,
    },
    /// A header is present but cannot be read.
    #[error("malformed header {name}: {problem}")]
    MalformedHeader {
        /// The header's canonical name.
        name: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The signature header carries no signature in a scheme proign checks.
    #[error("header {name} carries no signature in a supported scheme ({scheme})")]
    NoSupportedSignature {
        /// The header's canonical name.
        name: &'static str,
        /// The scheme that was looked for, such as `v1`.
        scheme: &'static str,
    },
    /// No signature matches under any configured secret.
    #[error(
        "signature mismatch: no signature matches any configured secret; the body must be the \
         unmodified request bytes (not re-serialised JSON) and the secret the one for this \
         endpoint"
    )]
    SignatureMismatch,
    /// The delivery carries a shared credential (not a signature), and it is none of the
    /// configured ones: UPS Track Alert callbacks work this way.
    #[error(
        "credential mismatch: the credential the request carries is none of the configured \
         ones; check the value registered with the provider"
    )]
    CredentialMismatch,
    /// The signed timestamp is older than the tolerance allows.
    #[error("timestamp too old: {age_s} s old, tolerance {tolerance_s} s")]
    TimestampTooOld {
        /// How many seconds before now the delivery was signed.
        age_s: u64,
        /// The configured tolerance in seconds.
        tolerance_s: u64,
    },
    /// The signed timestamp is further in the future than the tolerance allows.
    #[error(
        "timestamp in the future: {ahead_s} s ahead, tolerance {tolerance_s} s (check both \
         clocks)"
    )]
    TimestampInFuture {
        /// How many seconds after now the delivery claims to be signed.
        ahead_s: u64,
        /// The configured tolerance in seconds.
        tolerance_s: u64,
    },
    /// The body is empty where the scheme requires content.
    #[error("empty body")]
    EmptyBody,
    /// The body is larger than the configured limit; nothing was hashed.
    #[error("body of {len} bytes exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// The body's length.
        len: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The body passed authentication but is not the payload the scheme defines (used where
    /// a scheme authenticates the sender without signing the body).
    #[error("malformed body: {problem}")]
    MalformedBody {
        /// What is wrong with it.
        problem: String,
    },
    /// A signed query string has no signature parameter.
    #[error("query has no {name} parameter")]
    MissingQuerySignature {
        /// The parameter that was expected (`hmac` or `signature`).
        name: &'static str,
    },
    /// A signed query string has no timestamp parameter.
    #[error("query has no timestamp parameter")]
    MissingQueryTimestamp,
    /// A signed query string's timestamp is not a whole number of seconds.
    #[error("query timestamp is not a whole number of seconds")]
    InvalidQueryTimestamp,
    /// A signed query string repeats a parameter that must appear once.
    #[error("query parameter {name} appears more than once")]
    DuplicateQueryParameter {
        /// The repeated parameter.
        name: &'static str,
    },
}

impl VerifyError {
    /// The stable reason code, the same vocabulary the CLI's `--json` output uses.
    pub fn reason(&self) -> Reason {
        match self {
            Self::MissingHeader { .. } => Reason::MissingHeader,
            Self::MalformedHeader { .. } | Self::DuplicateQueryParameter { .. } => {
                Reason::MalformedHeader
            }
            Self::NoSupportedSignature { .. } => Reason::NoV1Signature,
            Self::SignatureMismatch | Self::CredentialMismatch => Reason::BadSignature,
            Self::TimestampTooOld { .. } => Reason::TimestampTooOld,
            Self::TimestampInFuture { .. } => Reason::TimestampInFuture,
            Self::EmptyBody => Reason::EmptyBody,
            Self::BodyTooLarge { .. } => Reason::BodyTooLarge,
            Self::MalformedBody { .. } => Reason::MalformedBody,
            Self::MissingQuerySignature { .. } => Reason::MissingHmac,
            Self::MissingQueryTimestamp => Reason::MissingTimestamp,
            Self::InvalidQueryTimestamp => Reason::InvalidTimestamp,
        }
    }

    /// The HTTP status a receiving endpoint should answer with: 413 for an oversized body;
    /// 400 when something verification needs is absent or unreadable (a header, the body, a
    /// query timestamp); 401 when what was sent does not authenticate (no signature of a
    /// supported scheme, no match, a timestamp outside the window).
    pub fn status_code(&self) -> u16 {
        match self.reason() {
            Reason::BodyTooLarge => 413,
            Reason::MissingHeader
            | Reason::MalformedHeader
            | Reason::EmptyBody
            | Reason::MalformedBody
            | Reason::MissingHmac
            | Reason::MissingTimestamp
            | Reason::InvalidTimestamp => 400,
            _ => 401,
        }
    }
}

/// A stable, machine-readable rejection reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// No signature matched.
    BadSignature,
    /// Signed too long ago.
    TimestampTooOld,
    /// Signed too far in the future.
    TimestampInFuture,
    /// A required header is absent or empty.
    MissingHeader,
    /// A header could not be read.
    MalformedHeader,
    /// No signature in a supported scheme.
    NoV1Signature,
    /// The body is empty.
    EmptyBody,
    /// No usable secret was configured.
    MissingSecret,
    /// The body exceeds the size limit.
    BodyTooLarge,
    /// The body is not the payload the scheme defines.
    MalformedBody,
    /// A signed query has no signature parameter.
    MissingHmac,
    /// A signed query has no timestamp.
    MissingTimestamp,
    /// A signed query's timestamp is not an integer.
    InvalidTimestamp,
}

impl Reason {
    /// The snake-case code, such as `bad_signature`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BadSignature => "bad_signature",
            Self::TimestampTooOld => "timestamp_too_old",
            Self::TimestampInFuture => "timestamp_in_future",
            Self::MissingHeader => "missing_header",
            Self::MalformedHeader => "malformed_header",
            Self::NoV1Signature => "no_v1_signature",
            Self::EmptyBody => "empty_body",
            Self::MissingSecret => "missing_secret",
            Self::BodyTooLarge => "body_too_large",
            Self::MalformedBody => "malformed_body",
            Self::MissingHmac => "missing_hmac",
            Self::MissingTimestamp => "missing_timestamp",
            Self::InvalidTimestamp => "invalid_timestamp",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a verifier or signer could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No secret was configured.
    #[error("no webhook secret configured; verification cannot be skipped")]
    MissingSecret,
    /// A secret could not be loaded.
    #[error(transparent)]
    Secret(#[from] crate::secret::SecretError),
    /// A secret is not of the form the scheme needs.
    #[error("invalid webhook secret: {0}")]
    InvalidSecret(#[from] InvalidSecret),
    /// A timestamp tolerance of zero was asked for.
    #[error(
        "a timestamp tolerance of zero would reject every delivery; use \
         Tolerance::unchecked() to skip the check explicitly"
    )]
    ZeroTolerance,
    /// A configured header name is not a valid HTTP header name.
    #[error("{name:?} is not a valid header name")]
    InvalidHeaderName {
        /// The name given.
        name: &'static str,
    },
    /// Too many secrets were configured for one endpoint.
    #[error("at most {max} secrets may be active at once, {given} were given")]
    TooManySecrets {
        /// The limit.
        max: usize,
        /// How many were given.
        given: usize,
    },
}

impl ConfigError {
    /// The reason code a rejected delivery would carry: always `missing_secret`.
    pub fn reason(&self) -> Reason {
        Reason::MissingSecret
    }
}

/// Why a Standard Webhooks (`whsec_…`) secret was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidSecret {
    /// The secret starts with `v1,`, which belongs to signatures.
    #[error("it starts with \"v1,\", which is a signature prefix, not part of a secret")]
    SignaturePrefix,
    /// A character outside the standard base64 alphabet.
    #[error("it contains a character outside the base64 alphabet at position {position}")]
    NotBase64 {
        /// The character's byte offset after the `whsec_` prefix.
        position: usize,
    },
    /// The secret is a credential of another kind, such as an API key.
    #[error("it looks like {found}, not a webhook signing secret ({expected})")]
    WrongKind {
        /// What the secret looks like.
        found: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// Decoded, the key is too short to be safe.
    #[error("it decodes to {len} bytes; at least {min} are required")]
    TooShort {
        /// The decoded length.
        len: usize,
        /// The minimum.
        min: usize,
    },
}
