//! Local provider simulators: axum servers on 127.0.0.1 with an ephemeral port that answer in
//! the providers' own shapes, keep their state in memory, record what they received and can be
//! told to fail.

pub mod faults;
pub mod resend;
pub mod shopify;
pub mod stripe;
pub mod taxjar;
pub mod turnstile;
pub mod ups;
