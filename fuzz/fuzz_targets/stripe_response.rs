#![no_main]
// Any status, headers and body answering a Stripe call: a typed object or a typed error.

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use proign_core::auth::Credential;
use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;
use proign_stripe::event::Event;
use proign_stripe::list::{List, SearchResult};
use proign_stripe::objects::{Customer, Deleted, Invoice, PaymentIntent, Refund, Subscription};
use proign_stripe::{Client, Error, RequestOptions};
use serde::de::DeserializeOwned;

#[path = "responses.rs"]
mod responses;

async fn get<T: DeserializeOwned>(client: &Client) -> Result<T, Error> {
    let none: BTreeMap<String, String> = BTreeMap::new();
    client
        .get("fuzz", "/v1/fuzz", &none, &RequestOptions::default())
        .await
}

fuzz_target!(|data: &[u8]| {
    let input = responses::input(data);
    let key = Credential::new(Secret::new("sk_test_made_up_fuzzing_key").unwrap());
    let client = Client::builder(key)
        .retry(RetryPolicy::never())
        .transport(responses::Script::new([input.response]))
        .build()
        .unwrap();
    responses::block_on(async {
        let _ = match input.selector % 9 {
            0 => get::<Customer>(&client).await.map(drop),
            1 => get::<PaymentIntent>(&client).await.map(drop),
            2 => get::<Invoice>(&client).await.map(drop),
            3 => get::<Subscription>(&client).await.map(drop),
            4 => get::<Refund>(&client).await.map(drop),
            5 => get::<Deleted>(&client).await.map(drop),
            6 => get::<List<Customer>>(&client).await.map(drop),
            7 => get::<SearchResult<PaymentIntent>>(&client).await.map(drop),
            _ => get::<Event>(&client)
                .await
                .map(|event| drop(event.billing_object())),
        };
    });
});
