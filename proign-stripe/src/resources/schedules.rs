//! Subscription items and subscription schedules.

use serde::Serialize;
use serde_json::Value;

use super::{NoParams, SubscriptionItemParams, action, handle, path};
use crate::client::RequestOptions;
use crate::error::Error;
use crate::list::{List, ListParams};
use crate::metadata::Metadata;
use crate::objects::{Deleted, SubscriptionItem, SubscriptionSchedule};

const ITEMS: &str = "/v1/subscription_items";
const SCHEDULES: &str = "/v1/subscription_schedules";

handle! {
    /// Subscription items: the prices on a subscription.
    SubscriptionItems, subscription_items
}

handle! {
    /// Subscription schedules.
    SubscriptionSchedules, subscription_schedules
}

/// Parameters of a new subscription schedule.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScheduleCreate {
    /// The customer.
    pub customer: Option<String>,
    /// Take over this existing subscription instead.
    pub from_subscription: Option<String>,
    /// When the first phase starts (Unix seconds), or `now`.
    pub start_date: Option<Value>,
    /// `release` or `cancel` after the last phase.
    pub end_behavior: Option<String>,
    /// The phases, as Stripe's phase objects.
    pub phases: Vec<Value>,
    /// The host's key-value data.
    pub metadata: Option<Metadata>,
}

impl SubscriptionItems<'_> {
    /// `POST /v1/subscription_items` for `subscription`.
    pub async fn create(
        &self,
        subscription: &str,
        item: &SubscriptionItemParams,
        options: &RequestOptions,
    ) -> Result<SubscriptionItem, Error> {
        #[derive(Serialize)]
        struct Create<'a> {
            subscription: &'a str,
            price: Option<&'a str>,
            quantity: Option<u64>,
        }
        let params = Create {
            subscription,
            price: item.price.as_deref(),
            quantity: item.quantity,
        };
        self.0
            .post("create_subscription_item", ITEMS, &params, options)
            .await
    }

    /// `DELETE /v1/subscription_items/{id}`
    pub async fn delete(&self, id: &str, options: &RequestOptions) -> Result<Deleted, Error> {
        self.0
            .delete(
                "delete_subscription_item",
                &path(ITEMS, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `GET /v1/subscription_items?subscription=…`, one page.
    pub async fn list(
        &self,
        subscription: &str,
        page: &ListParams,
        options: &RequestOptions,
    ) -> Result<List<SubscriptionItem>, Error> {
        #[derive(Serialize)]
        struct Filter<'a> {
            #[serde(flatten)]
            page: &'a ListParams,
            subscription: &'a str,
        }
        let params = Filter { page, subscription };
        self.0
            .get("list_subscription_items", ITEMS, &params, options)
            .await
    }
}

impl SubscriptionSchedules<'_> {
    /// `POST /v1/subscription_schedules`
    pub async fn create(
        &self,
        params: &ScheduleCreate,
        options: &RequestOptions,
    ) -> Result<SubscriptionSchedule, Error> {
        self.0
            .post("create_subscription_schedule", SCHEDULES, params, options)
            .await
    }

    /// `GET /v1/subscription_schedules/{id}`
    pub async fn retrieve(
        &self,
        id: &str,
        options: &RequestOptions,
    ) -> Result<SubscriptionSchedule, Error> {
        self.0
            .get(
                "retrieve_subscription_schedule",
                &path(SCHEDULES, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `POST /v1/subscription_schedules/{id}/cancel`
    pub async fn cancel(
        &self,
        id: &str,
        options: &RequestOptions,
    ) -> Result<SubscriptionSchedule, Error> {
        let target = action(SCHEDULES, id, "cancel");
        self.0
            .post(
                "cancel_subscription_schedule",
                &target,
                &NoParams {},
                options,
            )
            .await
    }

    /// `POST /v1/subscription_schedules/{id}/release`
    pub async fn release(
        &self,
        id: &str,
        options: &RequestOptions,
    ) -> Result<SubscriptionSchedule, Error> {
        let target = action(SCHEDULES, id, "release");
        self.0
            .post(
                "release_subscription_schedule",
                &target,
                &NoParams {},
                options,
            )
            .await
    }

    /// `GET /v1/subscription_schedules`, one page.
    pub async fn list(
        &self,
        params: &ListParams,
        options: &RequestOptions,
    ) -> Result<List<SubscriptionSchedule>, Error> {
        self.0
            .get("list_subscription_schedules", SCHEDULES, params, options)
            .await
    }
}
