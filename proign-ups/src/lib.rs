//! proign-ups.
