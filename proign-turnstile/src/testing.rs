//! Cloudflare's documented test keys: sitekeys that always pass, always fail or force an
//! interactive challenge, secret keys with fixed answers, and the dummy token the test
//! sitekeys produce.

/// Sitekey: always passes, visible widget.
pub const SITEKEY_ALWAYS_PASSES: &str = "1x00000000000000000000AA";
/// Sitekey: always blocks, visible widget.
pub const SITEKEY_ALWAYS_BLOCKS: &str = "2x00000000000000000000AB";
/// Sitekey: always passes, invisible widget.
pub const SITEKEY_ALWAYS_PASSES_INVISIBLE: &str = "1x00000000000000000000BB";
/// Sitekey: always blocks, invisible widget.
pub const SITEKEY_ALWAYS_BLOCKS_INVISIBLE: &str = "2x00000000000000000000BB";
/// Sitekey: forces an interactive challenge.
pub const SITEKEY_FORCES_CHALLENGE: &str = "3x00000000000000000000FF";

/// Secret key: every token passes.
pub const SECRET_ALWAYS_PASSES: &str = "1x0000000000000000000000000000000AA";
/// Secret key: every token fails (`invalid-input-response`).
pub const SECRET_ALWAYS_FAILS: &str = "2x0000000000000000000000000000000AA";
/// Secret key: every token is reported as spent (`timeout-or-duplicate`).
pub const SECRET_TOKEN_SPENT: &str = "3x0000000000000000000000000000000AA";

/// The token the test sitekeys produce; only test secret keys accept it.
pub const DUMMY_TOKEN: &str = "XXXX.DUMMY.TOKEN.XXXX";
