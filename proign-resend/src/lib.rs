//! proign-resend.
