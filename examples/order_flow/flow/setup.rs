//! The provider clients and webhook secrets of a run: from the sandbox's simulators, or with
//! `--live` from the environment for each provider whose credentials are all there.

use std::collections::BTreeMap;
use std::num::NonZeroU32;

use proign::core::Provider;
use proign::core::auth::Credential;
use proign::core::config::Config;
use proign::core::retry::RetryPolicy;
use proign::core::secret::Secret;
use proign::resend::{ResendClient, ResendConfig};
use proign::shopify::admin::AdminClient;
use proign::taxjar::{TaxJarClient, TaxJarConfig};
use proign::turnstile::{TurnstileClient, TurnstileConfig};
use proign::ups::{UpsClient, UpsConfig};
use proign_testkit::sandbox::Sandbox;

use super::Failure;

/// The outbound providers, in the order the flow calls them first.
pub(crate) const PROVIDERS: [Provider; 6] = [
    Provider::Shopify,
    Provider::Turnstile,
    Provider::TaxJar,
    Provider::Ups,
    Provider::Resend,
    Provider::Stripe,
];

/// Every client the worker calls. Each makes one attempt per call: retries are the queue's,
/// so a failed step is retried on its own, after a delay the flow prints.
#[derive(Debug)]
pub(crate) struct Clients {
    pub(crate) shopify: AdminClient,
    pub(crate) turnstile: TurnstileClient,
    pub(crate) taxjar: TaxJarClient,
    pub(crate) ups: UpsClient,
    pub(crate) resend: ResendClient,
    pub(crate) stripe: proign::stripe::Client,
}

/// The credentials of one run, by provider and configuration key, and which providers are
/// the real ones.
#[derive(Debug)]
pub(crate) struct Credentials {
    secrets: BTreeMap<(Provider, String), Secret>,
    live: Vec<Provider>,
    /// With `--live`, each provider left simulated and why.
    simulated: Vec<(Provider, String)>,
}

impl Credentials {
    /// The sandbox's credentials; with `live`, those of every provider (but Shopify, whose
    /// orders always come from the simulator) whose configured references all load.
    pub(crate) fn choose(config: &Config, sandbox: &Sandbox, live: bool) -> Result<Self, Failure> {
        let mut secrets = BTreeMap::new();
        let mut chosen = Vec::new();
        let mut simulated = Vec::new();
        for provider in PROVIDERS {
            let section = config
                .integration(provider)
                .filter(|s| s.enabled)
                .ok_or_else(|| {
                    format!("order_flow runs every integration; turn `integrations.{provider}` on")
                })?;
            let real = match (live, provider) {
                (false, _) => None,
                (true, Provider::Shopify) => {
                    let why = "its webhooks cannot reach a gateway on loopback".to_owned();
                    simulated.push((provider, why));
                    None
                }
                (true, _) => match section.load_credentials() {
                    Ok(loaded) => Some(loaded),
                    Err((key, err)) => {
                        simulated.push((provider, format!("`{key}` did not load: {err}")));
                        None
                    }
                },
            };
            match real {
                Some(loaded) => {
                    chosen.push(provider);
                    for (key, secret) in loaded {
                        secrets.insert((provider, key), secret);
                    }
                }
                None => {
                    for key in section.credentials.keys() {
                        let secret = sandbox.credential(provider, key).ok_or_else(|| {
                            format!("the sandbox has no `integrations.{provider}.{key}`")
                        })?;
                        secrets.insert((provider, key.clone()), secret);
                    }
                }
            }
        }
        Ok(Self {
            secrets,
            live: chosen,
            simulated,
        })
    }

    /// The credential under `integrations.<provider>.<key>`.
    pub(crate) fn get(&self, provider: Provider, key: &str) -> Result<Secret, Failure> {
        self.secrets
            .get(&(provider, key.to_owned()))
            .cloned()
            .ok_or_else(|| format!("`integrations.{provider}.{key}` is not configured").into())
    }

    /// With `--live`, the providers left on their simulator, each with the reason.
    pub(crate) fn simulated(&self) -> &[(Provider, String)] {
        &self.simulated
    }

    /// Whether `provider` is the real one.
    pub(crate) fn is_live(&self, provider: Provider) -> bool {
        self.live.contains(&provider)
    }

    /// The providers running for real.
    pub(crate) fn live(&self) -> &[Provider] {
        &self.live
    }
}

impl Clients {
    /// Builds every client: against the real provider when it is live, else its simulator.
    pub(crate) fn build(
        config: &Config,
        sandbox: &Sandbox,
        credentials: &Credentials,
    ) -> Result<Self, Failure> {
        let sim = |p: Provider| (!credentials.is_live(p)).then(|| sandbox.base_url(p).to_owned());
        let once = RetryPolicy::never();
        let key = |p: Provider, k: &str| credentials.get(p, k).map(Credential::new);
        let setting = |p: Provider, k: &str| {
            config
                .integration(p)
                .and_then(|s| s.setting(k))
                .map(str::to_owned)
                .ok_or_else(|| format!("`integrations.{p}.{k}` is missing"))
        };
        // The simulators set no limit; a real provider gets the configured rate budget.
        let rate = |p: Provider| {
            config
                .integration(p)
                .and_then(|s| s.requests_per_second)
                .filter(|_| credentials.is_live(p))
        };

        let shop = setting(Provider::Shopify, "shop")?.parse()?;
        let token = credentials.get(Provider::Shopify, "access_token")?;
        // A THROTTLED answer means the query did not run: the client waits for the cost
        // bucket and asks again within the call, under the configured policy.
        let shopify_retry = config.retry_policy(Provider::Shopify);
        let mut shopify = AdminClient::builder(shop, token).retry(shopify_retry);
        if let Some(url) = sim(Provider::Shopify) {
            shopify = shopify.base_url(url);
        }

        let mut turnstile =
            TurnstileConfig::new(credentials.get(Provider::Turnstile, "secret_key")?).retry(once);
        if let Some(url) = sim(Provider::Turnstile) {
            turnstile = turnstile.base_url(url);
        }

        let mut taxjar = TaxJarConfig::new(key(Provider::TaxJar, "api_key")?).retry(once);
        match sim(Provider::TaxJar) {
            Some(url) => taxjar = taxjar.base_url(url),
            None if setting(Provider::TaxJar, "environment").as_deref() != Ok("production") => {
                taxjar = taxjar.environment(proign::taxjar::Environment::Sandbox);
            }
            None => {}
        }

        let client_id = setting(Provider::Ups, "client_id")?;
        let mut ups = UpsConfig::new(client_id, key(Provider::Ups, "client_secret")?)
            .retry(once)
            .transaction_src("proign-order-flow");
        ups = match sim(Provider::Ups) {
            Some(url) => ups.base_url(url),
            None => ups.environment(proign::ups::Environment::Test),
        };

        let unlimited = NonZeroU32::new(10_000).unwrap_or(NonZeroU32::MIN);
        let mut resend = ResendConfig::new(key(Provider::Resend, "api_key")?)
            .retry(once)
            .requests_per_second(rate(Provider::Resend).unwrap_or(unlimited));
        if let Some(url) = sim(Provider::Resend) {
            resend = resend.base_url(url);
        }

        let stripe_key = key(Provider::Stripe, "api_key")?;
        if credentials.is_live(Provider::Stripe)
            && !stripe_key.secret().expose().starts_with("sk_test_")
        {
            return Err("`integrations.stripe.api_key` must be a test-mode key (sk_test_…)".into());
        }
        let mut stripe = proign::stripe::Client::builder(stripe_key).retry(once);
        match sim(Provider::Stripe) {
            Some(url) => stripe = stripe.base_url(url),
            None => stripe = stripe.rate_budget(),
        }

        Ok(Self {
            shopify: shopify.build()?,
            turnstile: TurnstileClient::new(turnstile)?,
            taxjar: TaxJarClient::new(taxjar)?,
            ups: UpsClient::new(ups)?,
            resend: ResendClient::new(resend)?,
            stripe: stripe.build()?,
        })
    }
}
