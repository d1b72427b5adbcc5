//! The integrations proign speaks to, named the same way in every crate.

use std::fmt;

/// An integration: a provider proign talks to, or another sender of signed webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Provider {
    /// Stripe.
    Stripe,
    /// Shopify.
    Shopify,
    /// UPS.
    Ups,
    /// TaxJar.
    TaxJar,
    /// Resend.
    Resend,
    /// Cloudflare Turnstile.
    Turnstile,
    /// Any other sender using the Standard Webhooks scheme (including proign itself).
    StandardWebhooks,
}

impl Provider {
    /// Every provider, in a stable order.
    pub const ALL: [Provider; 7] = [
        Self::Stripe,
        Self::Shopify,
        Self::Ups,
        Self::TaxJar,
        Self::Resend,
        Self::Turnstile,
        Self::StandardWebhooks,
    ];

    /// The lower-case name used in logs, metrics, queue kinds and configuration.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Stripe => "stripe",
            Self::Shopify => "shopify",
            Self::Ups => "ups",
            Self::TaxJar => "taxjar",
            Self::Resend => "resend",
            Self::Turnstile => "turnstile",
            Self::StandardWebhooks => "standard_webhooks",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
