//! A shop's `*.myshopify.com` host name, checked before it is used in a URL.

use std::fmt;
use std::str::FromStr;

/// The suffix every shop's permanent domain ends with.
pub const MYSHOPIFY_SUFFIX: &str = ".myshopify.com";

/// A validated shop domain such as `prgn-test.myshopify.com`.
///
/// The OAuth callback names the shop in a query parameter an attacker controls, and the app
/// then sends its client secret to that host; only a plain `*.myshopify.com` host name is
/// accepted, lower-cased, so a callback can never redirect the token exchange elsewhere.
///
/// ```
/// use proign_shopify::ShopDomain;
///
/// let shop: ShopDomain = "Prgn-Test.myshopify.com".parse().unwrap();
/// assert_eq!(shop.as_str(), "prgn-test.myshopify.com");
/// assert_eq!(shop.handle(), "prgn-test");
/// assert!("evil.example.com".parse::<ShopDomain>().is_err());
/// assert!("x.myshopify.com.evil.test".parse::<ShopDomain>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShopDomain(String);

/// Why a shop domain was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShopDomainError {
    /// The value does not end with `.myshopify.com`.
    #[error("shop domain must end with .myshopify.com")]
    NotMyshopify,
    /// The shop's handle is empty, too long, or has characters other than letters, digits
    /// and `-` (or starts with `-`).
    #[error("shop handle must be 1 to 60 letters, digits or hyphens, not starting with one")]
    InvalidHandle,
}

impl ShopDomain {
    /// Checks and lower-cases `value`.
    pub fn new(value: &str) -> Result<Self, ShopDomainError> {
        let lower = value.trim().to_ascii_lowercase();
        let handle = lower
            .strip_suffix(MYSHOPIFY_SUFFIX)
            .ok_or(ShopDomainError::NotMyshopify)?;
        let valid = !handle.is_empty()
            && handle.len() <= 60
            && !handle.starts_with('-')
            && handle
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !valid {
            return Err(ShopDomainError::InvalidHandle);
        }
        Ok(Self(lower))
    }

    /// The domain, lower case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `.myshopify.com`.
    pub fn handle(&self) -> &str {
        self.0.strip_suffix(MYSHOPIFY_SUFFIX).unwrap_or(&self.0)
    }

    /// `https://<domain>`, the shop's own base URL.
    pub fn base_url(&self) -> String {
        format!("https://{}", self.0)
    }
}

impl FromStr for ShopDomain {
    type Err = ShopDomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for ShopDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_myshopify_hosts_pass() {
        for good in [
            "a.myshopify.com",
            "prgn-test.myshopify.com",
            "SHOP1.MyShopify.com",
        ] {
            assert!(ShopDomain::new(good).is_ok(), "{good}");
        }
        let bad = [
            ("", ShopDomainError::NotMyshopify),
            ("myshopify.com", ShopDomainError::NotMyshopify),
            (".myshopify.com", ShopDomainError::InvalidHandle),
            ("-a.myshopify.com", ShopDomainError::InvalidHandle),
            ("a.b.myshopify.com", ShopDomainError::InvalidHandle),
            ("evil.test/x.myshopify.com", ShopDomainError::InvalidHandle),
            ("a@b.myshopify.com", ShopDomainError::InvalidHandle),
            ("a.myshopify.com:8080", ShopDomainError::NotMyshopify),
            ("a.myshopify.io", ShopDomainError::NotMyshopify),
        ];
        for (value, error) in bad {
            assert_eq!(ShopDomain::new(value), Err(error), "{value}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(value in ".{0,80}") {
            let _ = ShopDomain::new(&value);
        }
    }
}
