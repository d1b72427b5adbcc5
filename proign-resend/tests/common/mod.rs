//! Shared helpers of the Resend tests.
#![allow(dead_code)]

use std::num::NonZeroU32;
use std::time::Duration;

use proign_core::auth::Credential;
use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;
use proign_resend::{ResendClient, ResendConfig};

/// The made-up key of the recordings.
pub(crate) const KEY: &str = "re_proignRecorderKey_000000000000";

/// A configuration for `base` with fast retries and a budget that does not slow tests.
pub(crate) fn config(base: &str) -> ResendConfig {
    ResendConfig::new(Credential::new(Secret::new(KEY).unwrap()))
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .requests_per_second(NonZeroU32::new(1000).unwrap())
        .retry(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(5)),
        )
}

/// A client of [`config`].
pub(crate) fn client(base: &str) -> ResendClient {
    ResendClient::new(config(base)).unwrap()
}
