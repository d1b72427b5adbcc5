//! proign-taxjar.
