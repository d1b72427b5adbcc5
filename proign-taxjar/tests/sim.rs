//! The client against the loopback TaxJar simulator.

mod common;

use std::str::FromStr;

use proign_taxjar::{Address, Kind, Liability, LineItem, TaxRequest, Transaction};
use proign_testkit::sim::taxjar::TaxJarSim;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn order(to_state: &str) -> TaxRequest {
    TaxRequest::new(d("5"))
        .from(Address::new("US").zip("92093").state("CA"))
        .to(Address::new("US").zip("90002").state(to_state))
        .line_item(LineItem::new("1", 2, d("10")).product_tax_code("20010"))
}

#[tokio::test]
async fn tax_follows_the_rate_table_and_nexus() {
    let sim = TaxJarSim::start().await;
    let client = common::client(sim.base_url());
    let tax = client.tax_for_order(&order("CA")).await.unwrap();
    assert_eq!(tax.liability(), Liability::Collect(d("1.45")));
    assert_eq!(
        tax.breakdown.unwrap().line_items[0].amounts.taxable_amount,
        Some(d("20"))
    );
    let none = client.tax_for_order(&order("AZ")).await.unwrap();
    assert_eq!(none.liability(), Liability::NoNexus);
    sim.set_nexus(&["CA", "AZ"]);
    sim.set_rate("AZ", Decimal::ZERO);
    let zero = client.tax_for_order(&order("AZ")).await.unwrap();
    assert_eq!(zero.liability(), Liability::ZeroTax);
}

#[tokio::test]
async fn orders_are_kept_and_duplicates_refused() {
    let sim = TaxJarSim::start().await;
    let client = common::client(sim.base_url());
    let tx =
        Transaction::new("o1", "2026/01/01", d("25"), d("5"), d("1.45"))
            .to(Address::new("US").zip("90002").state("CA"));
    client.create_transaction(Kind::Order, &tx).await.unwrap();
    let dup = client
        .create_transaction(Kind::Order, &tx)
        .await
        .unwrap_err();
    assert!(dup.needs_review());
    let shown = client.show_transaction(Kind::Order, "o1").await.unwrap();
    assert_eq!(shown.sales_tax, Some(d("1.45")));
    client.delete_transaction(Kind::Order, "o1").await.unwrap();
    assert!(client.show_transaction(Kind::Order, "o1").await.is_err());
    assert_eq!(sim.requests().len(), 5);
}

#[tokio::test]
async fn a_503_is_retried() {
    let sim = TaxJarSim::start().await;
    sim.fail_next(1, 503, "<html>down</html>");
    let tax = common::client(sim.base_url())
        .tax_for_order(&order("CA"))
        .await
        .unwrap();
    assert!(tax.has_nexus);
    assert_eq!(sim.requests().len(), 2);
}
