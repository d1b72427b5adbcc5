//! Field case B18: with TRACE logging on, a whole failing call per provider kind (a `500`,
//! then a `200`, and for OAuth a refused token and a refresh) leaves no credential in the log,
//! and no config, client, token, request, response or error prints one.

#![cfg(feature = "http")]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{StripeLike, T0, UpsLike, builder};
use http::HeaderName;
use proign_core::auth::{Auth, ClientCredentials, ClientCredentialsConfig, Credential};
use proign_core::clock::FixedClock;
use proign_core::http::{Client, ProviderProfile, Request, ReqwestTransport};
use proign_core::http::{Transport, TransportConfig};
use proign_core::secret::Secret;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const STRIPE_KEY: &str = "sk_test_51PrgnDONOTLOG";
const SHOPIFY_TOKEN: &str = "shpat_prgnDONOTLOG";
const UPS_SECRET: &str = "prgn-client-secret";
const UPS_TOKEN_A: &str = "prgn-access-token-A";
const UPS_TOKEN_B: &str = "prgn-access-token-B";
const TAXJAR_KEY: &str = "prgn_taxjar_DONOTLOG";
const RESEND_KEY: &str = "re_prgnDONOTLOG";
const TURNSTILE_SECRET: &str = "0x4AAAAAAAPrgnDONOTLOG";
const STRIPE_WHSEC: &str = "whsec_prgn_test_0123456789abcdefABCDEF";
const SHOPIFY_SECRET: &str = "prgn_shopify_client_secret_0001";

/// Every value that must never appear, raw or as a header value.
const FORBIDDEN: &[&str] = &[
    STRIPE_KEY,
    SHOPIFY_TOKEN,
    UPS_SECRET,
    UPS_TOKEN_A,
    UPS_TOKEN_B,
    TAXJAR_KEY,
    RESEND_KEY,
    TURNSTILE_SECRET,
    STRIPE_WHSEC,
    SHOPIFY_SECRET,
    "DONOTLOG",
    "cHJnbi1jbGllbnQtaWQ6cHJnbi1jbGllbnQtc2VjcmV0",
    // base64("api:prgn_taxjar_DONOTLOG")
    "YXBpOnBybmdfdGF4amFyX0RPTk9UTE9H",
    "YXBpOnByZ25fdGF4amFyX0RPTk9UTE9H",
    "Bearer prgn",
    "Bearer sk_",
    "Bearer re_",
];

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn credential(value: &str) -> Credential {
    Credential::new(Secret::new(value).unwrap())
}

/// A `500` then a `200` at `at`, for requests carrying `auth_header: auth_value`.
async fn flaky(server: &MockServer, at: &str, auth: Option<(&'static str, String)>) {
    for (priority, status, times) in [(1, 500, Some(1)), (2, 200, None)] {
        let mut mock = Mock::given(path(at));
        if let Some((name, value)) = &auth {
            mock = mock.and(header(*name, value.as_str()));
        }
        let mut mock = mock
            .respond_with(ResponseTemplate::new(status).set_body_raw("{}", "application/json"))
            .with_priority(priority);
        if let Some(n) = times {
            mock = mock.up_to_n_times(n).expect(n);
        }
        mock.mount(server).await;
    }
}

async fn ups_oauth(server: &MockServer, shown: &mut Vec<String>) -> Client {
    let token = |t: &str| {
        ResponseTemplate::new(200).set_body_raw(
            format!(r#"{{"token_type":"Bearer","access_token":"{t}","expires_in":"14399"}}"#),
            "application/json",
        )
    };
    for (priority, t) in [(1, UPS_TOKEN_A), (2, UPS_TOKEN_B)] {
        Mock::given(path("/token"))
            .respond_with(token(t))
            .up_to_n_times(1)
            .expect(1)
            .with_priority(priority)
            .mount(server)
            .await;
    }
    Mock::given(path("/rate"))
        .and(header(
            "authorization",
            format!("Bearer {UPS_TOKEN_A}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(server)
        .await;
    flaky(
        server,
        "/rate",
        Some(("authorization", format!("Bearer {UPS_TOKEN_B}"))),
    )
    .await;

    let profile: Arc<dyn ProviderProfile> = Arc::new(UpsLike);
    let transport: Arc<dyn Transport> =
        Arc::new(ReqwestTransport::new(&TransportConfig::default()).unwrap());
    let config = ClientCredentialsConfig::new(
        format!("{}/token", server.uri()),
        "prgn-client-id",
        credential(UPS_SECRET),
    );
    shown.push(format!("{config:?}"));
    let clock = FixedClock::at_unix(T0);
    let oauth = Arc::new(ClientCredentials::new(
        config,
        profile.clone(),
        transport.clone(),
        clock,
    ));
    let client = Client::builder(profile)
        .base_url(server.uri())
        .transport(transport)
        .auth(Auth::oauth(oauth.clone()))
        .retry(common::exact_policy())
        .build()
        .unwrap();
    shown.push(format!("{oauth:?}"));
    client
}

#[tokio::test]
async fn b18_no_secret_in_logs_debug_or_display() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = MockServer::start().await;
    let mut shown = Vec::new();

    let ups = ups_oauth(&server, &mut shown).await;
    // Rating is a calculation, so it may be sent again without a key.
    let rate = Request::post("rate", "/rate")
        .body("{}", "application/json")
        .replay_safe();
    let response = ups.send(rate);
    shown.push(format!("{:?}", response.await.unwrap()));

    let bearer = |key| Auth::bearer(credential(key));
    let clients = [
        (
            "/stripe",
            bearer(STRIPE_KEY),
            ("authorization", format!("Bearer {STRIPE_KEY}")),
        ),
        (
            "/resend",
            bearer(RESEND_KEY),
            ("authorization", format!("Bearer {RESEND_KEY}")),
        ),
        (
            "/shopify",
            Auth::header(
                HeaderName::from_static("x-shopify-access-token"),
                credential(SHOPIFY_TOKEN),
            ),
            ("x-shopify-access-token", SHOPIFY_TOKEN.to_owned()),
        ),
        (
            "/taxjar",
            Auth::basic("api", credential(TAXJAR_KEY)),
            (
                "authorization",
                "Basic YXBpOnByZ25fdGF4amFyX0RPTk9UTE9H".to_owned(),
            ),
        ),
    ];
    for (at, auth, expected_header) in clients {
        flaky(&server, at, Some(expected_header)).await;
        shown.push(format!("{auth:?}"));
        let client = builder(Arc::new(StripeLike), &server.uri())
            .auth(auth)
            .build()
            .unwrap();
        shown.push(format!("{client:?}"));
        let request = Request::post("call", at).body("{}", "application/json");
        shown.push(format!("{request:?}"));
        shown.push(format!("{:?}", client.send(request).await.unwrap()));
    }

    // Turnstile: the secret travels in the form body, which is never logged.
    flaky(&server, "/siteverify", None).await;
    let client = builder(Arc::new(StripeLike), &server.uri())
        .build()
        .unwrap();
    let form = [
        ("secret", TURNSTILE_SECRET),
        ("response", "XXXX.DUMMY.TOKEN.XXXX"),
    ];
    let request = Request::post("siteverify", "/siteverify")
        .form(&form)
        .replay_safe();
    shown.push(format!("{request:?}"));
    client.send(request).await.unwrap();

    // Errors, including a proxy page that echoes the key back.
    let echo = format!("<html>upstream said: Authorization: Bearer {STRIPE_KEY}</html>");
    Mock::given(method("GET"))
        .and(path("/echo"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(echo, "text/html"))
        .mount(&server)
        .await;
    let client = builder(Arc::new(StripeLike), &server.uri())
        .auth(bearer(STRIPE_KEY))
        .retry(proign_core::retry::RetryPolicy::never())
        .build()
        .unwrap();
    let err = client
        .send(Request::get("echo", "/echo"))
        .await
        .unwrap_err();
    shown.push(format!(
        "{err} {err:?} {:?}",
        std::error::Error::source(&err)
    ));
    let refusing = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_raw(r#"{"error":"invalid_client"}"#, "application/json"),
        )
        .expect(1)
        .mount(&refusing)
        .await;
    let config = ClientCredentialsConfig::new(
        format!("{}/token", refusing.uri()),
        "prgn-client-id",
        credential(UPS_SECRET),
    );
    let transport = Arc::new(ReqwestTransport::new(&TransportConfig::default()).unwrap());
    let oauth = ClientCredentials::new(
        config,
        Arc::new(UpsLike),
        transport,
        FixedClock::at_unix(T0),
    );
    let err = oauth.token().await.unwrap_err();
    assert!(matches!(
        err.kind(),
        proign_core::http::ErrorKind::Authentication { .. }
    ));
    shown.push(format!("{err} {err:?}"));
    for secret in [STRIPE_WHSEC, SHOPIFY_SECRET, TURNSTILE_SECRET] {
        let c = credential(secret);
        shown.push(format!("{c:?} {:?} {}", c.secret(), c.origin()));
    }

    let log = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("proign.call"), "nothing captured:\n{log}");
    assert!(
        log.contains("status=500") && log.contains("attempt=2"),
        "{log}"
    );
    assert!(log.contains("proign.token"), "{log}");
    let everything = format!("{log}\n{}", shown.join("\n"));
    for secret in FORBIDDEN {
        assert!(
            !everything.contains(secret),
            "{secret} leaked in:\n{everything}"
        );
    }
}
