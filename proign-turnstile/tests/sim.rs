//! The client against the loopback Turnstile simulator.

use proign_core::secret::Secret;
use proign_testkit::sim::turnstile::{HOSTNAME, TurnstileSim};
use proign_turnstile::testing::{
    DUMMY_TOKEN, SECRET_ALWAYS_FAILS, SECRET_ALWAYS_PASSES, SECRET_TOKEN_SPENT,
};
use proign_turnstile::{Error, TurnstileClient, TurnstileConfig, Verify};

fn client(sim: &TurnstileSim, secret: &str) -> TurnstileClient {
    TurnstileClient::new(
        TurnstileConfig::new(Secret::new(secret).unwrap())
            .base_url(sim.base_url())
            .expected_hostname(HOSTNAME),
    )
    .unwrap()
}

#[tokio::test]
async fn the_test_secrets_answer_as_documented() {
    let sim = TurnstileSim::start().await;
    let check = Verify::new(DUMMY_TOKEN);
    let pass = client(&sim, SECRET_ALWAYS_PASSES);
    assert!(pass.verify(&check).await.unwrap().success);
    // Same key again: the first answer. Another key: the token is spent.
    assert!(pass.verify(&check).await.unwrap().success);
    let again = pass.verify(&Verify::new(DUMMY_TOKEN)).await.unwrap_err();
    assert!(matches!(again, Error::TokenConsumed { .. }), "{again:?}");

    let fail = client(&sim, SECRET_ALWAYS_FAILS)
        .verify(&check)
        .await
        .unwrap_err();
    assert!(matches!(fail, Error::Rejected { .. }), "{fail:?}");
    let spent = client(&sim, SECRET_TOKEN_SPENT)
        .verify(&check)
        .await
        .unwrap_err();
    assert!(matches!(spent, Error::TokenConsumed { .. }), "{spent:?}");
    let wrong = client(&sim, "0x-not-a-real-secret")
        .verify(&check)
        .await
        .unwrap_err();
    assert!(matches!(wrong, Error::Configuration { .. }), "{wrong:?}");
    assert_eq!(sim.requests().len(), 6);
}

#[tokio::test]
async fn a_server_failure_is_retried_with_the_same_key() {
    let sim = TurnstileSim::start().await;
    sim.fail_next(1, 503, "unavailable");
    let check = Verify::new("another-token");
    let client = TurnstileClient::new(
        TurnstileConfig::new(Secret::new(SECRET_ALWAYS_PASSES).unwrap())
            .base_url(sim.base_url())
            .retry(
                proign_core::retry::RetryPolicy::default()
                    .with_base_delay(std::time::Duration::from_millis(1)),
            ),
    )
    .unwrap();
    assert!(client.verify(&check).await.unwrap().success);
    let calls = sim.requests();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].field("idempotency_key"), Some(check.key()));
    assert_eq!(calls[1].field("idempotency_key"), Some(check.key()));
}
