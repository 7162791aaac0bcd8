//! Errors as values carrying the cloud-style code of SPEC section 5.

use serde::Serialize;

/// An error reported to the API user: `{ "Code": ..., "Message": ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// Cloud-style code, e.g. `InvalidParameter.Sources`, `InvalidMedia.Corrupt`.
    #[serde(rename = "Code")]
    pub code: String,
    /// Human readable explanation naming the field/value/codec at fault.
    #[serde(rename = "Message")]
    pub message: String,
}

impl ApiError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
    /// `InvalidParameter.<field>`; the message should name the value and the allowed range/names.
    pub fn invalid_parameter(field: &str, message: impl Into<String>) -> Self {
        Self::new(format!("InvalidParameter.{field}"), message)
    }
    /// A parameter that is valid in the cloud API but whose effect reelcut has not built yet.
    pub fn not_supported_yet(field: &str, what: impl std::fmt::Display) -> Self {
        Self::invalid_parameter(
            field,
            format!("{field} {what} is not supported yet by reelcut"),
        )
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new("InvalidMedia.NotFound", message)
    }
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new("InvalidMedia.Unsupported", message)
    }
    pub fn corrupt(message: impl Into<String>) -> Self {
        Self::new("InvalidMedia.Corrupt", message)
    }
    pub fn canceled() -> Self {
        Self::new("Job.Canceled", "the job was canceled")
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new("Internal", message)
    }
}

/// The pixel kernels' refusals keep their meaning: an unsupported or corrupt frame is bad media,
/// a broken precondition is ours.
impl From<reelcut_kernels::KernelError> for ApiError {
    fn from(e: reelcut_kernels::KernelError) -> Self {
        use reelcut_kernels::KernelError as K;
        match e {
            K::Unsupported(m) => Self::unsupported(m),
            K::Corrupt(m) => Self::corrupt(m),
            K::Internal(m) => Self::internal(m),
        }
    }
}
