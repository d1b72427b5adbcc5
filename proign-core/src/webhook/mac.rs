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
///
/// The differences are folded eight bytes at a time into one word, with no branch on the
/// data, and only that word goes through `subtle`'s comparison: the same guarantee as a
/// byte-wise constant-time loop at a fraction of its cost for 32-byte tags.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a_words, a_rest) = a.as_chunks::<8>();
    let (b_words, b_rest) = b.as_chunks::<8>();
    let mut diff = a_words.iter().zip(b_words).fold(0u64, |acc, (x, y)| {
        acc | (u64::from_ne_bytes(*x) ^ u64::from_ne_bytes(*y))
    });
    for (x, y) in a_rest.iter().zip(b_rest) {
        diff |= u64::from(x ^ y);
    }
    diff.ct_eq(&0).into()
}

/// Decodes lower- or upper-case hex into a tag; `None` unless it is exactly 64 hex digits.
pub fn decode_hex_tag(text: &str) -> Option<Tag> {
    let digits = text.as_bytes();
    if digits.len() != 2 * TAG_LEN {
        return None;
    }
    let mut tag = [0u8; TAG_LEN];
    let mut invalid = 0u8;
    for (byte, pair) in tag.iter_mut().zip(digits.chunks_exact(2)) {
        let (high, low) = (HEX[usize::from(pair[0])], HEX[usize::from(pair[1])]);
        invalid |= (high | low) & 0x80;
        *byte = (high << 4) | (low & 0x0f);
    }
    (invalid == 0).then_some(tag)
}

/// Hex digit values; `0x80` marks a byte that is not a hex digit.
static HEX: [u8; 256] = {
    let mut table = [0x80u8; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Decodes canonical, padded standard base64 into a tag; `None` for anything else.
///
/// A 32-byte tag is always 43 base64 digits and one `=`; the last digit carries two unused
/// bits, which must be zero (as a canonical encoder writes them).
pub fn decode_base64_tag(text: &str) -> Option<Tag> {
    let digits = text.as_bytes();
    if digits.len() != 44 || digits[43] != b'=' {
        return None;
    }
    let mut tag = [0u8; TAG_LEN];
    let mut invalid = 0u8;
    let mut value = |at: usize| {
        let v = BASE64[usize::from(digits[at])];
        invalid |= v;
        u32::from(v & 0x3f)
    };
    for (group, out) in tag[..30].chunks_exact_mut(3).enumerate() {
        let at = group * 4;
        let bits = value(at) << 18 | value(at + 1) << 12 | value(at + 2) << 6 | value(at + 3);
        out.copy_from_slice(&bits.to_be_bytes()[1..]);
    }
    let last = value(40) << 12 | value(41) << 6 | value(42);
    tag[30] = (last >> 10) as u8;
    tag[31] = (last >> 2) as u8;
    (invalid & 0x80 == 0 && last & 0b11 == 0).then_some(tag)
}

/// Standard base64 digit values; `0x80` marks a byte that is not a digit (`=` included).
static BASE64: [u8; 256] = {
    let mut table = [0x80u8; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

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

    proptest::proptest! {
        #[test]
        fn base64_tags_round_trip(tag in proptest::array::uniform32(proptest::prelude::any::<u8>())) {
            use base64::Engine as _;
            let text = base64::engine::general_purpose::STANDARD.encode(tag);
            proptest::prop_assert_eq!(decode_base64_tag(&text), Some(tag));
        }

        #[test]
        fn base64_decoding_agrees_with_the_base64_crate(text in "[A-Za-z0-9+/=]{44}") {
            use base64::Engine as _;
            let reference = base64::engine::general_purpose::STANDARD.decode(&text).ok();
            let reference = reference.filter(|bytes| bytes.len() == 32);
            proptest::prop_assert_eq!(decode_base64_tag(&text).map(|t| t.to_vec()), reference);
        }
    }

    #[test]
    fn comparison_sees_every_byte() {
        let tag = [7u8; 35];
        assert!(constant_time_eq(&tag, &tag));
        for i in 0..tag.len() {
            let mut other = tag;
            other[i] ^= 0x01;
            assert!(!constant_time_eq(&tag, &other), "byte {i}");
        }
        assert!(!constant_time_eq(&tag[..34], &tag));
        assert!(constant_time_eq(&[], &[]));
    }

    #[test]
    fn tag_decoders_are_strict() {
        let b64 = "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=";
        assert!(decode_base64_tag(b64).is_some());
        assert!(decode_base64_tag(&b64[..43]).is_none());
        assert!(decode_base64_tag("").is_none());
        // Non-canonical trailing bits, padding in the wrong place, digits outside the alphabet.
        assert!(decode_base64_tag("B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7h=").is_none());
        assert!(decode_base64_tag("B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a=g=").is_none());
        assert!(decode_base64_tag("B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7-=").is_none());
        assert!(decode_base64_tag("B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g ").is_none());
        assert!(decode_hex_tag(&"0".repeat(64)).is_some());
        assert!(decode_hex_tag(&"0".repeat(63)).is_none());
        assert!(decode_hex_tag(&"g".repeat(64)).is_none());
        let tag = decode_hex_tag(&"0123456789abcdefABCDEF".repeat(3)[..64]).unwrap();
        assert_eq!(hex::encode(tag), "0123456789abcdefabcdef".repeat(3)[..64]);
        for bad in ["/", ":", "@", "G", "`", "g", "\u{7f}"] {
            let text = format!("{bad}{}", "0".repeat(63));
            assert!(decode_hex_tag(&text).is_none(), "{bad}");
        }
    }
}
