//! The shape every provider client shares: configuration in, a checked client out.

use std::future::Future;
use std::path::PathBuf;

use crate::auth::Credential;
use crate::secret::SecretError;

use super::error::Error;

/// Where a credential is loaded from, as written in configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialSource {
    /// An environment variable of this name.
    Env(String),
    /// A file (a mounted secret).
    File(PathBuf),
}

impl CredentialSource {
    /// Loads the credential; errors name the variable or file, never the value.
    pub fn load(&self) -> Result<Credential, SecretError> {
        match self {
            Self::Env(var) => Credential::from_env(var),
            Self::File(path) => Credential::from_file(path),
        }
    }
}

/// A provider client that can be built from its configuration and prove its credentials.
///
/// `connect` loads the credentials, builds the client and makes one cheap authenticated
/// call; refused credentials come back as [`ErrorKind::Authentication`] naming where the
/// credential came from.
///
/// [`ErrorKind::Authentication`]: super::ErrorKind::Authentication
pub trait Connect: Sized {
    /// The provider's configuration.
    type Config;

    /// Builds the client from `config` and checks its credentials.
    fn connect(config: Self::Config) -> impl Future<Output = Result<Self, Error>> + Send;
}
