//! proign-turnstile.
