//! Customers, prices, subscriptions, invoices and payment intents.

use serde_json::{Value, json};

use super::{Answer, Failure, Form, State};

/// A test payment method that is always declined.
const DECLINED: &str = "pm_card_chargeDeclined";

impl State {
    pub(super) fn create_customer(&mut self, form: &Form, now: i64) -> Answer {
        let id = self.next_id("cus_Sim");
        let customer = self.insert(
            "customer",
            json!({
                "id": id, "object": "customer", "created": now, "livemode": false,
                "email": form.text("email"), "name": form.text("name"),
                "description": form.text("description"), "balance": 0, "currency": null,
                "invoice_settings": {"default_payment_method":
                    form.text("invoice_settings[default_payment_method]")},
                "metadata": form.metadata(),
            }),
        );
        self.emit("customer.created", &customer, now);
        Ok(customer)
    }

    pub(super) fn update_customer(&mut self, id: &str, form: &Form, now: i64) -> Answer {
        let metadata = form.metadata();
        let customer = self.find("customer", id)?;
        for field in ["email", "name", "description"] {
            if let Some(value) = form.get(field) {
                customer[field] = if value.is_empty() {
                    Value::Null
                } else {
                    json!(value)
                };
            }
        }
        if let Some(pm) = form.get("invoice_settings[default_payment_method]") {
            customer["invoice_settings"]["default_payment_method"] = json!(pm);
        }
        for (key, value) in metadata {
            customer["metadata"][key] = value;
        }
        let customer = customer.clone();
        self.emit("customer.updated", &customer, now);
        Ok(customer)
    }

    pub(super) fn create_price(&mut self, form: &Form) -> Answer {
        let currency = form.get("currency").ok_or_else(|| {
            Failure::invalid(
                "currency",
                "parameter_missing",
                "Missing required param: currency.",
            )
        })?;
        let id = self.next_id("price_Sim");
        let recurring = form
            .get("recurring[interval]")
            .map_or(Value::Null, |i| json!({"interval": i, "interval_count": 1}));
        let kind = if recurring.is_null() {
            "one_time"
        } else {
            "recurring"
        };
        Ok(self.insert(
            "price",
            json!({
                "id": id, "object": "price", "active": true, "currency": currency,
                "unit_amount": form.int("unit_amount")?, "product": form.text("product"),
                "recurring": recurring, "type": kind, "metadata": form.metadata(),
            }),
        ))
    }

    pub(super) fn attach(&mut self, id: &str, form: &Form) -> Answer {
        let customer = form.get("customer").unwrap_or_default().to_owned();
        self.find("customer", &customer)?;
        Ok(
            json!({"id": id, "object": "payment_method", "type": "card", "customer": customer,
            "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2034},
            "metadata": {}}),
        )
    }

    pub(super) fn create_subscription(&mut self, form: &Form, now: i64) -> Answer {
        let customer = form.get("customer").unwrap_or_default().to_owned();
        self.find("customer", &customer)?;
        let (mut items, mut total, mut currency) = (Vec::new(), 0i64, String::from("usd"));
        for index in 0.. {
            let Some(price_id) = form.get(&format!("items[{index}][price]")) else {
                break;
            };
            let param = format!("items[{index}][price]");
            let price = self.find("price", price_id).map_err(|mut f| {
                f.body["error"]["param"] = json!(param);
                f
            })?;
            let price = price.clone();
            let quantity = form.int(&format!("items[{index}][quantity]"))?.unwrap_or(1);
            total += price["unit_amount"].as_i64().unwrap_or(0) * quantity;
            currency = price["currency"].as_str().unwrap_or("usd").to_owned();
            let item_id = self.next_id("si_Sim");
            items.push(
                json!({"id": item_id, "object": "subscription_item", "price": price,
                "quantity": quantity}),
            );
        }
        if items.is_empty() {
            return Err(Failure::invalid(
                "items",
                "parameter_missing",
                "Missing required param: items.",
            ));
        }
        let id = self.next_id("sub_Sim");
        let pm = form
            .get("default_payment_method")
            .map(str::to_owned)
            .or_else(|| self.default_payment_method(&customer));
        let invoice = self.new_invoice(&customer, Some(&id), total, &currency, now);
        let invoice_id = invoice["id"].as_str().unwrap_or_default().to_owned();
        let subscription = self.insert(
            "subscription",
            json!({
                "id": id, "object": "subscription", "customer": customer, "created": now,
                "status": "incomplete", "cancel_at_period_end": false, "currency": currency,
                "default_payment_method": pm, "latest_invoice": invoice_id,
                "items": {"object": "list", "data": items, "has_more": false},
                "metadata": form.metadata(),
            }),
        );
        self.emit("customer.subscription.created", &subscription, now);
        self.finalize(&invoice_id, now)?;
        let incomplete = form.get("payment_behavior") == Some("default_incomplete");
        if let (Some(pm), false) = (pm, incomplete) {
            self.charge_invoice(&invoice_id, &pm, now)?;
        }
        self.find("subscription", &id).cloned()
    }

    fn default_payment_method(&mut self, customer: &str) -> Option<String> {
        let customer = self.find("customer", customer).ok()?;
        customer["invoice_settings"]["default_payment_method"]
            .as_str()
            .map(str::to_owned)
    }

    pub(super) fn create_invoice_item(&mut self, form: &Form, now: i64) -> Answer {
        let customer = form.get("customer").unwrap_or_default().to_owned();
        self.find("customer", &customer)?;
        let amount = match form.get("price") {
            Some(price) => {
                let unit = self.find("price", price)?["unit_amount"]
                    .as_i64()
                    .unwrap_or(0);
                unit * form.int("quantity")?.unwrap_or(1)
            }
            None => form.int("amount")?.ok_or_else(|| {
                Failure::invalid(
                    "amount",
                    "parameter_missing",
                    "Missing required param: amount.",
                )
            })?,
        };
        let id = self.next_id("ii_Sim");
        let item = self.insert("invoiceitem", json!({
            "id": id, "object": "invoiceitem", "customer": customer, "amount": amount,
            "currency": form.get("currency").unwrap_or("usd"), "date": now,
            "description": form.text("description"), "invoice": null, "metadata": form.metadata(),
        }));
        self.emit("invoiceitem.created", &item, now);
        Ok(item)
    }

    fn new_invoice(
        &mut self,
        customer: &str,
        sub: Option<&str>,
        total: i64,
        currency: &str,
        now: i64,
    ) -> Value {
        let id = self.next_id("in_Sim");
        let invoice = self.insert(
            "invoice",
            json!({
                "id": id, "object": "invoice", "customer": customer, "subscription": sub,
                "status": "draft", "currency": currency, "created": now, "livemode": false,
                "amount_due": total, "amount_paid": 0, "amount_remaining": total, "total": total,
                "collection_method": "charge_automatically", "payment_intent": null, "metadata": {},
            }),
        );
        self.emit("invoice.created", &invoice, now);
        invoice
    }

    pub(super) fn create_invoice(&mut self, form: &Form, now: i64) -> Answer {
        let customer = form.get("customer").unwrap_or_default().to_owned();
        self.find("customer", &customer)?;
        let pull = form.get("pending_invoice_items_behavior") != Some("exclude");
        let id_hint = format!("in_Sim{:012}", self.seq + 1);
        let mut total = 0;
        let mut currency = String::from("usd");
        if pull {
            for item in self.table("invoiceitem").values_mut() {
                if item["customer"] == customer.as_str() && item["invoice"].is_null() {
                    total += item["amount"].as_i64().unwrap_or(0);
                    currency = item["currency"].as_str().unwrap_or("usd").to_owned();
                    item["invoice"] = json!(id_hint);
                }
            }
        }
        let invoice = self.new_invoice(&customer, None, total, &currency, now);
        let id = invoice["id"].as_str().unwrap_or_default().to_owned();
        let invoice = self.find("invoice", &id)?;
        invoice["metadata"] = json!(form.metadata());
        invoice["description"] = form.text("description");
        Ok(invoice.clone())
    }

    pub(super) fn finalize(&mut self, id: &str, now: i64) -> Answer {
        let invoice = self.find("invoice", id)?;
        if invoice["status"] != "draft" {
            return Err(Failure::invalid(
                "id",
                "invoice_unexpected_state",
                "This invoice is already finalized.",
            ));
        }
        invoice["status"] = json!("open");
        let invoice = invoice.clone();
        self.emit("invoice.finalized", &invoice, now);
        Ok(invoice)
    }

    pub(super) fn pay_invoice(&mut self, id: &str, form: &Form, now: i64) -> Answer {
        let invoice = self.find("invoice", id)?.clone();
        match invoice["status"].as_str() {
            Some("draft") => {
                self.finalize(id, now)?;
            }
            Some("open") => {}
            _ => {
                return Err(Failure::invalid(
                    "id",
                    "invoice_unexpected_state",
                    "Invoice is already paid or void.",
                ));
            }
        }
        let customer = invoice["customer"].as_str().unwrap_or_default().to_owned();
        let pm = form
            .get("payment_method")
            .map(str::to_owned)
            .or_else(|| self.default_payment_method(&customer))
            .ok_or_else(|| {
                Failure::invalid(
                    "payment_method",
                    "invoice_no_customer_payment_method",
                    "The customer has no payment method to pay this invoice with.",
                )
            })?;
        self.charge_invoice(id, &pm, now)
    }

    fn charge_invoice(&mut self, id: &str, pm: &str, now: i64) -> Answer {
        let invoice = self.find("invoice", id)?.clone();
        let intent = self.new_intent(
            &invoice["customer"],
            invoice["amount_due"].as_i64().unwrap_or(0),
            invoice["currency"].as_str().unwrap_or("usd"),
            Some(pm),
            now,
        );
        let intent_id = intent["id"].as_str().unwrap_or_default().to_owned();
        self.find("invoice", id)?["payment_intent"] = json!(intent_id);
        if let Err(failure) = self.confirm(&intent_id, now) {
            let invoice = self.find("invoice", id)?.clone();
            self.emit("invoice.payment_failed", &invoice, now);
            return Err(failure);
        }
        let invoice = self.find("invoice", id)?;
        invoice["status"] = json!("paid");
        invoice["amount_paid"] = invoice["amount_due"].clone();
        invoice["amount_remaining"] = json!(0);
        let invoice = invoice.clone();
        self.emit("invoice.paid", &invoice, now);
        if let Some(sub) = invoice["subscription"].as_str() {
            let sub = self.find("subscription", sub)?;
            sub["status"] = json!("active");
            let sub = sub.clone();
            self.emit("customer.subscription.updated", &sub, now);
        }
        Ok(invoice)
    }

    pub(super) fn void(&mut self, id: &str, now: i64) -> Answer {
        let invoice = self.find("invoice", id)?;
        if invoice["status"] != "open" {
            return Err(Failure::invalid(
                "id",
                "invoice_unexpected_state",
                "Only open invoices can be voided.",
            ));
        }
        invoice["status"] = json!("void");
        let invoice = invoice.clone();
        self.emit("invoice.voided", &invoice, now);
        Ok(invoice)
    }

    fn new_intent(
        &mut self,
        customer: &Value,
        amount: i64,
        currency: &str,
        pm: Option<&str>,
        now: i64,
    ) -> Value {
        let id = self.next_id("pi_Sim");
        let status = if pm.is_some() {
            "requires_confirmation"
        } else {
            "requires_payment_method"
        };
        let intent = self.insert(
            "payment_intent",
            json!({
                "id": id, "object": "payment_intent", "amount": amount, "amount_received": 0,
                "currency": currency, "customer": customer, "payment_method": pm, "status": status,
                "capture_method": "automatic", "created": now, "livemode": false, "metadata": {},
                "client_secret": format!("{id}_secret_sim"),
            }),
        );
        self.emit("payment_intent.created", &intent, now);
        intent
    }

    pub(super) fn create_intent(&mut self, form: &Form, now: i64) -> Answer {
        let amount = form.int("amount")?.ok_or_else(|| {
            Failure::invalid(
                "amount",
                "parameter_missing",
                "Missing required param: amount.",
            )
        })?;
        let currency = form
            .get("currency")
            .ok_or_else(|| {
                Failure::invalid(
                    "currency",
                    "parameter_missing",
                    "Missing required param: currency.",
                )
            })?
            .to_owned();
        if let Some(customer) = form.get("customer") {
            self.find("customer", customer)?;
        }
        let intent = self.new_intent(
            &form.text("customer"),
            amount,
            &currency,
            form.get("payment_method"),
            now,
        );
        let id = intent["id"].as_str().unwrap_or_default().to_owned();
        let stored = self.find("payment_intent", &id)?;
        stored["metadata"] = json!(form.metadata());
        if let Some(method) = form.get("capture_method") {
            stored["capture_method"] = json!(method);
        }
        if form.get("confirm") == Some("true") {
            return self.confirm(&id, now);
        }
        self.find("payment_intent", &id).cloned()
    }

    pub(super) fn confirm(&mut self, id: &str, now: i64) -> Answer {
        let intent = self.find("payment_intent", id)?;
        let Some(pm) = intent["payment_method"].as_str().map(str::to_owned) else {
            return Err(Failure::invalid(
                "payment_method",
                "payment_intent_unexpected_state",
                "You cannot confirm this PaymentIntent because it's missing a payment method.",
            ));
        };
        if pm == DECLINED {
            intent["status"] = json!("requires_payment_method");
            let intent = intent.clone();
            self.emit("payment_intent.payment_failed", &intent, now);
            return Err(Failure::declined(&intent));
        }
        if intent["capture_method"] == "manual" {
            intent["status"] = json!("requires_capture");
            let intent = intent.clone();
            self.emit("payment_intent.amount_capturable_updated", &intent, now);
            return Ok(intent);
        }
        intent["status"] = json!("succeeded");
        intent["amount_received"] = intent["amount"].clone();
        let intent = intent.clone();
        self.emit("payment_intent.succeeded", &intent, now);
        Ok(intent)
    }

    pub(super) fn capture(&mut self, id: &str, now: i64) -> Answer {
        let intent = self.find("payment_intent", id)?;
        if intent["status"] != "requires_capture" {
            return Err(Failure::invalid(
                "id",
                "payment_intent_unexpected_state",
                "This PaymentIntent could not be captured because it has a status of succeeded.",
            ));
        }
        intent["status"] = json!("succeeded");
        intent["amount_received"] = intent["amount"].clone();
        let intent = intent.clone();
        self.emit("payment_intent.succeeded", &intent, now);
        Ok(intent)
    }
}
