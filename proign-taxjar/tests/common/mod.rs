//! Shared helpers of the TaxJar tests.
#![allow(dead_code)]

use std::time::Duration;

use proign_core::auth::Credential;
use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;
use proign_taxjar::{TaxJarClient, TaxJarConfig};

/// The made-up key of the recordings.
pub(crate) const KEY: &str = "proign_taxjar_test_key_0000000000";

/// A client for `base` with fast retries and no API version header.
pub(crate) fn client(base: &str) -> TaxJarClient {
    TaxJarClient::new(config(base).api_version(None)).unwrap()
}

/// The configuration of [`client`], with the default API version.
pub(crate) fn config(base: &str) -> TaxJarConfig {
    TaxJarConfig::new(Credential::new(Secret::new(KEY).unwrap()))
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .retry(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(5)),
        )
}

/// A fixture file's text.
pub(crate) fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}
