//! Credentials that never print, serialise or log their value.
//!
//! Every API key, webhook secret, OAuth client secret and access token in proign is held in a
//! [`Secret`] from the first line that touches it. A `Secret` has a masked `Debug`, no
//! `Display`, no `Serialize`, and its memory is overwritten when it is dropped.
//!
//! ```
//! use proign_core::secret::Secret;
//!
//! let key = Secret::new("sk_test_made_up_key").unwrap();
//! assert_eq!(format!("{key:?}"), "Secret([redacted])");
//! assert_eq!(key.expose(), "sk_test_made_up_key");
//!
//! // A blank secret is a configuration error, never a silent "no check".
//! assert!(Secret::new("   ").is_err());
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

/// A credential whose value is only reachable through [`Secret::expose`].
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a credential, refusing one that is empty, only whitespace, has whitespace around
    /// it, or holds a control character such as a line break (almost always a copy-and-paste
    /// accident that would make every check fail).
    pub fn new(value: impl Into<String>) -> Result<Self, SecretError> {
        Self::checked(Zeroizing::new(value.into()), SecretOrigin::Value)
    }

    /// Reads a credential from the environment variable `var`.
    ///
    /// One trailing line break is removed, as for [`Secret::from_file`], since variables are
    /// often set from a file's content. Errors name the variable, never its value.
    pub fn from_env(var: &str) -> Result<Self, SecretError> {
        let origin = SecretOrigin::Env(var.to_owned());
        match std::env::var(var) {
            Ok(value) => {
                let mut value = Zeroizing::new(value);
                let len = without_line_ending(&value).len();
                value.truncate(len);
                Self::checked(value, origin)
            }
            Err(std::env::VarError::NotPresent) => Err(SecretError::NotSet { origin }),
            Err(std::env::VarError::NotUnicode(_)) => Err(SecretError::NotUnicode { origin }),
        }
    }

    /// Reads a credential from a file, such as a mounted container secret.
    ///
    /// One trailing line break (`\n` or `\r\n`) is removed, because editors and `echo` add one.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, SecretError> {
        let path = path.as_ref();
        let origin = SecretOrigin::File(path.to_path_buf());
        let bytes = Zeroizing::new(std::fs::read(path).map_err(|source| SecretError::Read {
            path: path.to_path_buf(),
            source,
        })?);
        let text = std::str::from_utf8(&bytes).map_err(|_| SecretError::NotUnicode {
            origin: origin.clone(),
        })?;
        Self::checked(Zeroizing::new(without_line_ending(text).to_owned()), origin)
    }

    fn checked(value: Zeroizing<String>, origin: SecretOrigin) -> Result<Self, SecretError> {
        if value.trim().is_empty() {
            return Err(SecretError::Empty { origin });
        }
        if value.trim() != value.as_str() {
            return Err(SecretError::SurroundingWhitespace { origin });
        }
        if value.chars().any(char::is_control) {
            return Err(SecretError::ControlCharacter { origin });
        }
        Ok(Self(value))
    }

    /// The credential itself. Call this only where the value is put on the wire or into a MAC.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The last four characters preceded by a mask, for telling two secrets apart in
    /// diagnostics (`****DrSt`), or only the mask when the secret is shorter than 16 characters.
    pub fn hint(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() < 16 {
            return "****".to_owned();
        }
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("****{tail}")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for Secret {}

/// `text` without one trailing `\n` or `\r\n`, as a file written by an editor or `echo`
/// (or a variable set from one) ends.
fn without_line_ending(text: &str) -> &str {
    text.strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text)
}

/// Where a secret was read from, as named in errors (never with the value).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretOrigin {
    /// Passed in by the host program.
    Value,
    /// An environment variable of this name.
    Env(String),
    /// A file at this path.
    File(PathBuf),
}

impl fmt::Display for SecretOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Value => f.write_str("the configured secret"),
            Self::Env(var) => write!(f, "environment variable {var}"),
            Self::File(path) => write!(f, "secret file {}", path.display()),
        }
    }
}

/// Why a credential could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The environment variable does not exist.
    #[error("{origin} {}", self.problem())]
    NotSet {
        /// Where the secret was looked for.
        origin: SecretOrigin,
    },
    /// The value is empty or only whitespace.
    #[error("{origin} {}", self.problem())]
    Empty {
        /// Where the secret came from.
        origin: SecretOrigin,
    },
    /// The value starts or ends with whitespace.
    #[error("{origin} {}", self.problem())]
    SurroundingWhitespace {
        /// Where the secret came from.
        origin: SecretOrigin,
    },
    /// The value holds a control character (a line break inside a file, a tab, a NUL):
    /// never part of a credential, usually a second line or a copy-and-paste accident.
    #[error("{origin} {}", self.problem())]
    ControlCharacter {
        /// Where it came from.
        origin: SecretOrigin,
    },
    /// The value is not valid UTF-8.
    #[error("{origin} {}", self.problem())]
    NotUnicode {
        /// Where the secret came from.
        origin: SecretOrigin,
    },
    /// The secret file could not be read.
    #[error("cannot read secret file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl SecretError {
    /// What is wrong with the secret, without saying where it came from (the `Display` form
    /// adds that): for a caller that names the source its own way.
    pub fn problem(&self) -> String {
        match self {
            Self::NotSet { .. } => "is not set".to_owned(),
            Self::Empty { .. } => "is empty".to_owned(),
            Self::SurroundingWhitespace { .. } => {
                "has leading or trailing whitespace; remove it".to_owned()
            }
            Self::ControlCharacter { .. } => {
                "holds a control character, such as a second line; a secret is one line".to_owned()
            }
            Self::NotUnicode { .. } => "is not valid UTF-8".to_owned(),
            Self::Read { source, .. } => format!("cannot be read: {source}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_masked() {
        let secret = Secret::new("whsec_prgn_test_0123456789abcdefABCDEF").unwrap();
        let shown = format!("{secret:?} {:?}", vec![secret.clone()]);
        assert!(!shown.contains("prgn"), "{shown}");
        assert_eq!(secret.hint(), "****CDEF");
    }

    #[test]
    fn blank_and_padded_values_are_refused() {
        assert!(matches!(Secret::new(""), Err(SecretError::Empty { .. })));
        assert!(matches!(
            Secret::new(" \t\n"),
            Err(SecretError::Empty { .. })
        ));
        assert!(matches!(
            Secret::new("whsec_abc "),
            Err(SecretError::SurroundingWhitespace { .. })
        ));
    }

    #[test]
    fn env_errors_name_the_variable_not_the_value() {
        let err = Secret::from_env("PROIGN_TEST_SURELY_UNSET_VARIABLE").unwrap_err();
        assert_eq!(
            err.to_string(),
            "environment variable PROIGN_TEST_SURELY_UNSET_VARIABLE is not set"
        );
    }

    #[test]
    fn control_characters_are_refused() {
        for value in ["first_line\nsecond_line", "made\tup", "made\0up", "a\r\nb"] {
            assert!(
                matches!(
                    Secret::new(value),
                    Err(SecretError::ControlCharacter { .. })
                ),
                "{value:?}"
            );
        }
    }

    #[test]
    fn a_two_line_file_is_refused_without_showing_either_line() {
        let dir = std::env::temp_dir().join(format!("proign-secret-2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("key");
        std::fs::write(&path, "made_up_first_line\nmade_up_second_line\n").unwrap();
        let err = Secret::from_file(&path).unwrap_err();
        assert!(matches!(err, SecretError::ControlCharacter { .. }), "{err}");
        assert!(!err.to_string().contains("made_up"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn file_loses_one_trailing_newline() {
        let dir = std::env::temp_dir().join(format!("proign-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("key");
        std::fs::write(&path, "made_up_key_value\r\n").unwrap();
        assert_eq!(
            Secret::from_file(&path).unwrap().expose(),
            "made_up_key_value"
        );
        std::fs::write(&path, "\n").unwrap();
        let err = Secret::from_file(&path).unwrap_err();
        assert!(err.to_string().starts_with("secret file"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
