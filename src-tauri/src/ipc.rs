//! The one error that crosses to the UI: core's `{code, message, field?}`.

use rapport_core::WireError;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(transparent)]
#[specta(transparent)]
pub struct IpcError(pub WireError);

impl From<rapport_core::Error> for IpcError {
    fn from(e: rapport_core::Error) -> Self {
        IpcError(e.to_wire())
    }
}

impl From<&WireError> for IpcError {
    fn from(e: &WireError) -> Self {
        IpcError(e.clone())
    }
}
