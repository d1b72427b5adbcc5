//! proign-shopify.
