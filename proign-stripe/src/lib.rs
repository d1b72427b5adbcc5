//! proign-stripe.
