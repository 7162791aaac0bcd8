//! What a kernel can refuse: the engine maps each kind onto its cloud-style error code
//! (`From<KernelError> for reelcut::ApiError`).

/// A frame or picture a kernel cannot work with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KernelError {
    /// A well-formed frame in a format this build does not handle (`InvalidMedia.Unsupported`).
    Unsupported(String),
    /// A frame whose bytes do not match its declared shape (`InvalidMedia.Corrupt`).
    Corrupt(String),
    /// A caller broke a kernel's precondition: a bug, not bad input (`InternalError`).
    Internal(String),
}

impl KernelError {
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::Unsupported(message.into())
    }
    pub fn corrupt(message: impl Into<String>) -> Self {
        Self::Corrupt(message.into())
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::Internal(message.into())
    }
    /// The message, whatever the kind.
    pub fn message(&self) -> &str {
        match self {
            Self::Unsupported(m) | Self::Corrupt(m) | Self::Internal(m) => m,
        }
    }
}

impl std::fmt::Display for KernelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for KernelError {}
