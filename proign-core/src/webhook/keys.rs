use super::{ConfigError, HmacKey, Tag, constant_time_eq};

/// How many secrets may be active for one endpoint at once.
pub const MAX_ACTIVE_SECRETS: usize = 8;

/// The secrets active for one endpoint: usually one, two or more while a secret is rotated.
#[derive(Clone)]
pub struct KeySet {
    keys: Vec<HmacKey>,
}

impl KeySet {
    /// A set of prepared keys; there must be at least one and at most [`MAX_ACTIVE_SECRETS`].
    pub fn new(keys: Vec<HmacKey>) -> Result<Self, ConfigError> {
        if keys.is_empty() {
            return Err(ConfigError::MissingSecret);
        }
        if keys.len() > MAX_ACTIVE_SECRETS {
            return Err(ConfigError::TooManySecrets {
                max: MAX_ACTIVE_SECRETS,
                given: keys.len(),
            });
        }
        Ok(Self { keys })
    }

    /// How many secrets are active.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always `false`: a set has at least one key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys, in configuration order.
    pub fn keys(&self) -> &[HmacKey] {
        &self.keys
    }

    /// The position of the first key under which any of `candidates` is the tag of
    /// `message` (given in parts). Every comparison takes constant time.
    ///
    /// A scheme with one signature per delivery passes it as a one-element slice (or
    /// `Option::as_slice`); one with several collects them in [`Signatures`].
    pub fn find(&self, message: &[&[u8]], candidates: &[Tag]) -> Option<usize> {
        self.keys.iter().position(|key| {
            let expected = key.sign(message);
            candidates.iter().fold(false, |hit, candidate| {
                hit | constant_time_eq(&expected, candidate)
            })
        })
    }
}

impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeySet({} [redacted])", self.keys.len())
    }
}

/// The decoded candidate signatures of one delivery, held without allocating.
#[derive(Debug, Clone)]
pub struct Signatures {
    tags: [Tag; Self::CAPACITY],
    len: usize,
}

impl Signatures {
    /// How many signatures one delivery may carry; senders use one per active secret.
    pub const CAPACITY: usize = 8;

    /// No signatures yet.
    pub fn new() -> Self {
        Self {
            tags: [[0; 32]; Self::CAPACITY],
            len: 0,
        }
    }

    /// Adds a candidate; `false` when the capacity is exhausted.
    pub fn push(&mut self, tag: Tag) -> bool {
        match self.tags.get_mut(self.len) {
            Some(slot) => {
                *slot = tag;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// The candidates collected so far.
    pub fn iter(&self) -> impl Iterator<Item = &Tag> {
        self.as_slice().iter()
    }

    /// The candidates collected so far, as a slice for [`KeySet::find`].
    pub fn as_slice(&self) -> &[Tag] {
        &self.tags[..self.len]
    }

    /// How many candidates were collected.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether none were collected.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Default for Signatures {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_which_key_matched() {
        let set = KeySet::new(vec![HmacKey::new(b"old"), HmacKey::new(b"new")]).unwrap();
        let mut sigs = Signatures::new();
        sigs.push([0; 32]);
        sigs.push(HmacKey::new(b"new").sign(&[b"msg"]));
        assert_eq!(set.find(&[b"msg"], sigs.as_slice()), Some(1));
        assert_eq!(set.find(&[b"other"], sigs.as_slice()), None);
    }

    #[test]
    fn sets_are_bounded() {
        assert!(matches!(
            KeySet::new(vec![]),
            Err(ConfigError::MissingSecret)
        ));
        let many = vec![HmacKey::new(b"k"); MAX_ACTIVE_SECRETS + 1];
        assert!(matches!(
            KeySet::new(many),
            Err(ConfigError::TooManySecrets { .. })
        ));
        let mut sigs = Signatures::new();
        for _ in 0..Signatures::CAPACITY {
            assert!(sigs.push([1; 32]));
        }
        assert!(!sigs.push([1; 32]));
    }
}
