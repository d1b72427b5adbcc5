//! proign-testkit.
