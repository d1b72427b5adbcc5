//! Webhook subscriptions: create, list, delete.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::AdminClient;
use super::types::{DisplayStatus, nodes, refuse};
use crate::error::{Error, UserError};

const SUBSCRIPTION_FIELDS: &str = "id topic format createdAt \
    endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } }";

/// A webhook subscription.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookSubscription {
    /// The global id (`gid://shopify/WebhookSubscription/…`).
    pub id: String,
    /// The topic as a GraphQL enum value (`ORDERS_CREATE`).
    pub topic: DisplayStatus,
    /// `JSON` or `XML`.
    pub format: Option<DisplayStatus>,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    endpoint: Option<Endpoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Endpoint {
    callback_url: Option<String>,
}

impl WebhookSubscription {
    /// The HTTPS callback URL, for HTTP subscriptions.
    pub fn callback_url(&self) -> Option<&str> {
        self.endpoint.as_ref()?.callback_url.as_deref()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListData {
    #[serde(deserialize_with = "nodes", default)]
    webhook_subscriptions: Vec<WebhookSubscription>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateData {
    webhook_subscription_create: Option<CreatePayload>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatePayload {
    webhook_subscription: Option<WebhookSubscription>,
    #[serde(default)]
    user_errors: Vec<UserError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteData {
    webhook_subscription_delete: Option<DeletePayload>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeletePayload {
    deleted_webhook_subscription_id: Option<String>,
    #[serde(default)]
    user_errors: Vec<UserError>,
}

/// Turns `orders/create` into the GraphQL enum value `ORDERS_CREATE`.
pub fn topic_enum(topic: &str) -> String {
    topic.replace('/', "_").to_ascii_uppercase()
}

impl AdminClient {
    /// Subscribes `callback_url` to `topic` (`orders/create` or `ORDERS_CREATE`) as JSON.
    pub async fn create_webhook_subscription(
        &self,
        topic: &str,
        callback_url: &str,
    ) -> Result<WebhookSubscription, Error> {
        const OPERATION: &str = "webhook_subscription_create";
        let query = format!(
            "mutation ProignWebhookCreate($topic: WebhookSubscriptionTopic!, \
             $webhookSubscription: WebhookSubscriptionInput!) {{ webhookSubscriptionCreate(\
             topic: $topic, webhookSubscription: $webhookSubscription) {{ \
             webhookSubscription {{ {SUBSCRIPTION_FIELDS} }} userErrors {{ field message }} }} }}"
        );
        let variables = serde_json::json!({
            "topic": topic_enum(topic),
            "webhookSubscription": { "callbackUrl": callback_url, "format": "JSON" },
        });
        let answer = self
            .execute::<CreateData>(OPERATION, &query, variables)
            .await?;
        let payload = answer
            .data
            .webhook_subscription_create
            .ok_or(Error::MissingData {
                operation: OPERATION,
                what: "webhookSubscriptionCreate",
            })?;
        refuse(OPERATION, payload.user_errors)?;
        payload.webhook_subscription.ok_or(Error::MissingData {
            operation: OPERATION,
            what: "webhookSubscription",
        })
    }

    /// The app's webhook subscriptions in this shop (up to 100).
    pub async fn webhook_subscriptions(&self) -> Result<Vec<WebhookSubscription>, Error> {
        let query = format!(
            "query ProignWebhooks {{ webhookSubscriptions(first: 100) \
             {{ nodes {{ {SUBSCRIPTION_FIELDS} }} }} }}"
        );
        let answer = self
            .execute::<ListData>("list_webhook_subscriptions", &query, serde_json::json!({}))
            .await?;
        Ok(answer.data.webhook_subscriptions)
    }

    /// Deletes a subscription and returns the deleted id.
    pub async fn delete_webhook_subscription(&self, id: &str) -> Result<String, Error> {
        const OPERATION: &str = "webhook_subscription_delete";
        let query = "mutation ProignWebhookDelete($id: ID!) { webhookSubscriptionDelete(id: $id) \
            { deletedWebhookSubscriptionId userErrors { field message } } }";
        let answer = self
            .execute::<DeleteData>(OPERATION, query, serde_json::json!({ "id": id }))
            .await?;
        let payload = answer
            .data
            .webhook_subscription_delete
            .ok_or(Error::MissingData {
                operation: OPERATION,
                what: "webhookSubscriptionDelete",
            })?;
        refuse(OPERATION, payload.user_errors)?;
        payload
            .deleted_webhook_subscription_id
            .ok_or(Error::MissingData {
                operation: OPERATION,
                what: "deletedWebhookSubscriptionId",
            })
    }
}
