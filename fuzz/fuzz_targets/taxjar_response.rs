#![no_main]
// Any status, headers and body answering a TaxJar call: a typed answer or a typed error.

use libfuzzer_sys::fuzz_target;
use proign_core::auth::Credential;
use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;
use proign_taxjar::{Address, Kind, RateQuery, TaxJarClient, TaxJarConfig, TaxRequest};
use rust_decimal::Decimal;

#[path = "responses.rs"]
mod responses;

fuzz_target!(|data: &[u8]| {
    let input = responses::input(data);
    let key = Credential::new(Secret::new("made-up-taxjar-key").unwrap());
    let config = TaxJarConfig::new(key)
        .retry(RetryPolicy::never())
        .transport(responses::Script::new([input.response]));
    let client = TaxJarClient::new(config).unwrap();
    responses::block_on(async {
        let _ = match input.selector % 9 {
            0 => client
                .tax_for_order(&TaxRequest::new(Decimal::ONE))
                .await
                .map(drop),
            1 => client
                .rates_for_location("90002", &RateQuery::new())
                .await
                .map(drop),
            2 => client.nexus_regions().await.map(drop),
            3 => client.validate_address(&Address::new("US")).await.map(drop),
            4 => client.validate_vat("FR40303265045").await.map(drop),
            5 => client.categories().await.map(drop),
            6 => client.summary_rates().await.map(drop),
            7 => client.show_transaction(Kind::Order, "1").await.map(drop),
            _ => client.delete_transaction(Kind::Refund, "1").await.map(drop),
        };
    });
});
