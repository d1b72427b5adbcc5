//! Ship a parcel with UPS: validate the address, shop rates, buy the cheapest label, write
//! the label file, track the parcel, then buy and void a second shipment.
//!
//! ```text
//! cargo run --example ups_ship
//! ```
//!
//! By default this runs against proign's local UPS simulator. With `UPS_CLIENT_ID` and
//! `UPS_CLIENT_SECRET` set it runs against UPS's test environment (`wwwcie.ups.com`);
//! `UPS_ACCOUNT_NUMBER` names the shipper account to bill. `PROIGN_UPS_BASE_URL` points the
//! client at another server (a simulator started elsewhere, a proxy). Labels are written to
//! `UPS_LABEL_DIR`, or to the system's temporary directory.

use std::path::PathBuf;

use proign::core::auth::Credential;
use proign::core::secret::Secret;
use proign::ups::address::{AddressQuery, Validation};
use proign::ups::label::LabelFormat;
use proign::ups::model::{Address, DimensionUnit, Package, Party, WeightUnit};
use proign::ups::rating::RateRequest;
use proign::ups::shipping::ShipmentRequest;
use proign::ups::tracking::Tracking;
use proign::ups::{Environment, UpsClient, UpsConfig};
use proign_testkit::sim::ups::UpsSim;
use rust_decimal::Decimal;

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    tracing_subscriber::fmt()
        // Colours only on a terminal, so a redirected log stays plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let real = std::env::var("UPS_CLIENT_ID")
        .ok()
        .zip(std::env::var("UPS_CLIENT_SECRET").ok());
    let redirected = std::env::var("PROIGN_UPS_BASE_URL").is_ok_and(|v| !v.trim().is_empty());
    // Keep the simulator alive for the whole run; it stops when dropped.
    let mut _sim = None;
    let config = match real {
        Some((id, _)) => {
            let secret = Credential::from_env("UPS_CLIENT_SECRET")?;
            tracing::info!("using UPS's test environment");
            UpsConfig::new(id, secret).environment(Environment::Test)
        }
        None => {
            let secret = Credential::new(Secret::new("prgn-demo-client-secret")?);
            let config = UpsConfig::new("prgn-demo-client-id", secret);
            if redirected {
                tracing::info!("using the server named by PROIGN_UPS_BASE_URL");
                config
            } else {
                let sim = UpsSim::start().await;
                tracing::info!(url = sim.base_url(), "using the local UPS simulator");
                let config = config.base_url(sim.base_url());
                _sim = Some(sim);
                config
            }
        }
    };
    let client = UpsClient::new(config.transaction_src("proign-example"))?;
    run(&client).await
}

async fn run(client: &UpsClient) -> Result<(), Failure> {
    let account = std::env::var("UPS_ACCOUNT_NUMBER").unwrap_or_else(|_| "PRGN01".into());
    let shipper = Party::new(
        "Proign Demo Shop",
        Address::new(
            ["12380 Morris Road"],
            "Alpharetta",
            Some("GA"),
            "30005",
            "US",
        ),
    )
    .shipper_number(account)
    .phone("4045550100");
    let to = Party::new(
        "Proign Demo Buyer",
        Address::new(
            ["26601 Aliso Creek Road"],
            "Aliso Viejo",
            Some("CA"),
            "92656",
            "US",
        ),
    )
    .phone("9495550100");

    let query = AddressQuery::us(["26601 Aliso Creek Road"], "Aliso Viejo", "CA", "92656");
    match client.validate_address(&query).await? {
        Validation::Valid { candidate } => tracing::info!(
            lines = ?candidate.lines,
            classification = ?candidate.classification,
            "address is valid"
        ),
        Validation::Ambiguous { candidates } => {
            tracing::info!(
                count = candidates.len(),
                "address is ambiguous; using it as given"
            )
        }
        Validation::NoCandidates => return Err("UPS knows no such address".into()),
        other => return Err(format!("unexpected validation answer: {other:?}").into()),
    }

    let package = Package::new(Decimal::new(25, 1), WeightUnit::Pounds).dimensions(
        Decimal::from(10),
        Decimal::from(8),
        Decimal::from(4),
        DimensionUnit::Inches,
    );
    let rates = client
        .shop_rates(&RateRequest::new(
            shipper.clone(),
            to.clone(),
            vec![package.clone()],
        ))
        .await?;
    for rate in &rates {
        tracing::info!(
            service = %rate.service,
            total = %rate.payable().amount,
            currency = %rate.payable().currency,
            "rate"
        );
    }
    let cheapest = rates.first().ok_or("UPS offered no service")?;

    let request = ShipmentRequest::new(
        shipper.clone(),
        to.clone(),
        cheapest.service.clone(),
        vec![package.clone()],
    )
    .label_format(LabelFormat::Png);
    let shipment = client.create_shipment(&request).await?;
    let parcel = &shipment.packages[0];
    let dir = std::env::var_os("UPS_LABEL_DIR").map_or_else(std::env::temp_dir, PathBuf::from);
    let file = dir.join(format!(
        "ups-label-{}.{}",
        parcel.tracking_number,
        parcel.label.format().extension()
    ));
    std::fs::write(&file, parcel.label.bytes())?;
    tracing::info!(
        tracking = %parcel.tracking_number,
        label = %file.display(),
        "bought the cheapest label"
    );

    match client.track(&parcel.tracking_number).await? {
        Tracking::Found(packages) => {
            for package in packages {
                tracing::info!(status = ?package.status, activities = package.activity.len(), "tracked");
            }
        }
        other => tracing::info!(outcome = ?other, "no tracking details yet"),
    }

    let second = client.create_shipment(&request).await?;
    let voided = client.void_shipment(&second.identification_number).await?;
    tracing::info!(
        shipment = %second.identification_number,
        voided = voided.voided,
        "voided the second shipment"
    );
    Ok(())
}
