//! Local provider simulators: axum servers on 127.0.0.1 with an ephemeral port, keeping
//! their state in memory and answering in the providers' own shapes.

pub mod shopify;
