//! Local provider simulators: axum servers on `127.0.0.1` with an ephemeral port, state in
//! memory, the providers' shapes and error bodies, failures on demand and recorded requests.

pub mod stripe;
