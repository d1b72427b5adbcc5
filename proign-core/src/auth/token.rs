//! Access tokens and the token endpoint's answer.
//!
//! The answer is decoded by proign rather than by the `oauth2` crate's standard response
//! type, because that type requires `expires_in` to be a JSON number and UPS sends it as a
//! string (`"expires_in":"14399"`). [`TokenResponse`] plugs into the `oauth2` crate's
//! client in its place and accepts both, refusing anything that is not a non-negative
//! whole or decimal number of seconds without echoing the value.

use std::fmt;
use std::time::{Duration, SystemTime};

use oauth2::basic::BasicTokenType;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::secret::Secret;

/// A bearer token and the moment it stops being valid.
pub struct AccessToken {
    secret: Secret,
    expires_at: Option<SystemTime>,
}

impl AccessToken {
    /// A token valid until `expires_at` (`None`: until the provider refuses it).
    pub fn new(secret: Secret, expires_at: Option<SystemTime>) -> Self {
        Self { secret, expires_at }
    }

    /// The token.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// When it expires, as computed from `expires_in` and the clock at receipt.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// Whether the token should still be used at `now`, keeping `buffer` in hand so it does
    /// not expire in flight.
    pub fn is_fresh(&self, now: SystemTime, buffer: Duration) -> bool {
        match self.expires_at {
            None => true,
            Some(at) => at
                .checked_sub(buffer)
                .is_some_and(|refresh_at| now < refresh_at),
        }
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &self.secret)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A token endpoint's successful answer, tolerant of `expires_in` as a string.
#[derive(Deserialize)]
pub struct TokenResponse {
    access_token: oauth2::AccessToken,
    #[serde(default = "bearer", deserialize_with = "token_type")]
    token_type: BasicTokenType,
    #[serde(default, deserialize_with = "lenient_seconds")]
    expires_in: Option<Duration>,
}

impl TokenResponse {
    /// The lifetime the endpoint granted.
    pub fn lifetime(&self) -> Option<Duration> {
        self.expires_in
    }

    /// Turns the answer into a cached token, its expiry measured from `received_at`.
    pub fn into_token(self, received_at: SystemTime) -> Result<AccessToken, String> {
        let secret = Secret::new(self.access_token.into_secret())
            .map_err(|_| "access_token is empty or padded with whitespace".to_owned())?;
        let expires_at = self
            .expires_in
            .map(|lifetime| {
                received_at
                    .checked_add(lifetime)
                    .ok_or("expires_in is too large")
            })
            .transpose()?;
        Ok(AccessToken::new(secret, expires_at))
    }
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"[redacted]")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// Required by the `oauth2` crate's trait; proign never serialises a token response, so
/// this writes only the non-secret fields.
impl Serialize for TokenResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("TokenResponse", 2)?;
        s.serialize_field("token_type", self.token_type.as_ref())?;
        s.serialize_field("expires_in", &self.expires_in.map(|d| d.as_secs()))?;
        s.end()
    }
}

impl oauth2::TokenResponse for TokenResponse {
    type TokenType = BasicTokenType;

    fn access_token(&self) -> &oauth2::AccessToken {
        &self.access_token
    }

    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }

    fn expires_in(&self) -> Option<Duration> {
        self.expires_in
    }

    fn refresh_token(&self) -> Option<&oauth2::RefreshToken> {
        None
    }

    fn scopes(&self) -> Option<&Vec<oauth2::Scope>> {
        None
    }
}

fn bearer() -> BasicTokenType {
    BasicTokenType::Bearer
}

fn token_type<'de, D: Deserializer<'de>>(d: D) -> Result<BasicTokenType, D::Error> {
    let raw = String::deserialize(d)?.to_ascii_lowercase();
    Ok(match raw.as_str() {
        "bearer" => BasicTokenType::Bearer,
        "mac" => BasicTokenType::Mac,
        _ => BasicTokenType::Extension(raw),
    })
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(serde_json::Number),
    Text(String),
}

fn lenient_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let raw = Option::<NumberOrText>::deserialize(d)?;
    let text = match &raw {
        None => return Ok(None),
        Some(NumberOrText::Number(n)) => n.to_string(),
        Some(NumberOrText::Text(t)) => t.trim().to_owned(),
    };
    seconds(&text).map(Some).ok_or_else(|| {
        serde::de::Error::custom("expires_in must be a non-negative number of seconds")
    })
}

fn seconds(text: &str) -> Option<Duration> {
    let value: f64 = text.parse().ok()?;
    let plain = text.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    (plain && (0.0..1e12).contains(&value)).then(|| Duration::from_secs_f64(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPS: &str = r#"{"token_type":"Bearer","issued_at":"1767225600000","client_id":"prgn-client-id","access_token":"prgn-access-token-A","expires_in":"14399","refresh_count":"0","status":"approved"}"#;

    fn parse(json: &str) -> Result<TokenResponse, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// Field case B09: string, number and invalid `expires_in`.
    #[test]
    fn b09_expires_in_as_text_or_number() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        let token = parse(UPS).unwrap().into_token(t0).unwrap();
        assert_eq!(token.secret().expose(), "prgn-access-token-A");
        assert_eq!(token.expires_at(), Some(t0 + Duration::from_secs(14_399)));

        let numeric = UPS.replace(r#""expires_in":"14399""#, r#""expires_in":14399"#);
        assert_eq!(
            parse(&numeric).unwrap().lifetime(),
            Some(Duration::from_secs(14_399))
        );
        let decimal = UPS.replace(r#""14399""#, r#""14399.5""#);
        assert_eq!(
            parse(&decimal).unwrap().lifetime(),
            Some(Duration::from_millis(14_399_500))
        );

        for bad in [r#""abc""#, r#""-5""#, "-5", r#""""#, r#""1e3""#, "true"] {
            let json = UPS.replace(r#""14399""#, bad);
            let err = parse(&json)
                .err()
                .unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(!err.to_string().contains("prgn-access-token"), "{err}");
        }
        let missing = r#"{"access_token":"prgn-access-token-A"}"#;
        assert_eq!(parse(missing).unwrap().lifetime(), None);
    }

    #[test]
    fn freshness_keeps_the_buffer() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        let token = parse(UPS).unwrap().into_token(t0).unwrap();
        let buffer = Duration::from_secs(60);
        assert!(token.is_fresh(t0 + Duration::from_secs(14_399 - 61), buffer));
        assert!(!token.is_fresh(t0 + Duration::from_secs(14_399 - 60), buffer));
        assert!(!token.is_fresh(t0 + Duration::from_secs(14_399 - 30), buffer));
        assert!(!format!("{token:?}").contains("prgn-access"));
        assert!(!format!("{:?}", parse(UPS).unwrap()).contains("prgn-access"));
    }
}
