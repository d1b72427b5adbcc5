use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Length of an HMAC-SHA256 tag in bytes.
pub const TAG_LEN: usize = 32;

/// An HMAC-SHA256 tag.
pub type Tag = [u8; TAG_LEN];

/// An HMAC-SHA256 key, keyed once and cloned for every message.
///
/// Keying HMAC hashes the key into an inner and an outer state; doing that once at construction
/// and cloning the prepared state per delivery saves two compression rounds per message.
#[derive(Clone)]
pub struct HmacKey {
    keyed: Hmac<Sha256>,
}

impl HmacKey {
    /// Prepares a key from raw bytes.
    pub fn new(key: &[u8]) -> Self {
        // HMAC accepts keys of every length, so this cannot fail.
        let keyed = <Hmac<Sha256> as Mac>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        Self { keyed }
    }

    /// The tag of the concatenation of `parts`, without building the concatenation.
    pub fn sign(&self, parts: &[&[u8]]) -> Tag {
        let mut mac = self.keyed.clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

impl std::fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacKey([redacted])")
    }
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Decodes lower- or upper-case hex into a tag; `None` unless it is exactly 64 hex digits.
pub fn decode_hex_tag(text: &str) -> Option<Tag> {
    let mut tag = [0u8; TAG_LEN];
    hex::decode_to_slice(text, &mut tag).ok()?;
    Some(tag)
}

/// Decodes canonical, padded standard base64 into a tag; `None` for anything else.
pub fn decode_base64_tag(text: &str) -> Option<Tag> {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    // 32 bytes are always 44 characters of padded base64; checking first keeps the decoder
    // from ever writing past the tag.
    if text.len() != 44 {
        return None;
    }
    let mut tag = [0u8; TAG_LEN];
    match STANDARD.decode_slice(text, &mut tag) {
        Ok(TAG_LEN) => Some(tag),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_message_signs_like_the_whole() {
        let key = HmacKey::new(b"test_secret_key");
        assert_eq!(
            key.sign(&[b"{\"foo\": ", b"\"bar\"}"]),
            key.sign(&[b"{\"foo\": \"bar\"}"])
        );
        assert_eq!(
            hex::encode(key.sign(&[b"{\"foo\": \"bar\"}"])),
            "076ded5cdebcd60674a8858d46b82dcc113d5d20e8e72694bbac1f9a1bb76bb8"
        );
    }

    #[test]
    fn tag_decoders_are_strict() {
        let b64 = "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=";
        assert!(decode_base64_tag(b64).is_some());
        assert!(decode_base64_tag(&b64[..43]).is_none());
        assert!(decode_base64_tag("").is_none());
        assert!(decode_hex_tag(&"0".repeat(64)).is_some());
        assert!(decode_hex_tag(&"0".repeat(63)).is_none());
        assert!(decode_hex_tag(&"g".repeat(64)).is_none());
    }
}
