//! Label images returned by the Shipping API.

use std::fmt;

use base64::Engine as _;
use bytes::Bytes;

use crate::error::Error;

/// The format of a label image.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LabelFormat {
    /// GIF image.
    Gif,
    /// PNG image.
    Png,
    /// Zebra printer language.
    Zpl,
    /// Eltron printer language.
    Epl,
    /// PDF document.
    Pdf,
    /// A format this version does not know, kept as UPS named it.
    Other(String),
}

impl LabelFormat {
    /// UPS's code for the format.
    pub fn code(&self) -> &str {
        match self {
            Self::Gif => "GIF",
            Self::Png => "PNG",
            Self::Zpl => "ZPL",
            Self::Epl => "EPL",
            Self::Pdf => "PDF",
            Self::Other(code) => code,
        }
    }

    /// The format for UPS's code (any case).
    pub fn from_code(code: &str) -> Self {
        match code.trim().to_ascii_uppercase().as_str() {
            "GIF" => Self::Gif,
            "PNG" => Self::Png,
            "ZPL" => Self::Zpl,
            "EPL" => Self::Epl,
            "PDF" => Self::Pdf,
            _ => Self::Other(code.to_owned()),
        }
    }

    /// A file extension for the format.
    pub fn extension(&self) -> &str {
        match self {
            Self::Gif => "gif",
            Self::Png => "png",
            Self::Zpl => "zpl",
            Self::Epl => "epl",
            Self::Pdf => "pdf",
            Self::Other(_) => "bin",
        }
    }

    /// Thermal formats need a label stock size in the request.
    pub(crate) fn is_thermal(&self) -> bool {
        matches!(self, Self::Zpl | Self::Epl)
    }
}

/// A decoded label image.
#[derive(Clone, PartialEq, Eq)]
pub struct Label {
    format: LabelFormat,
    bytes: Bytes,
}

impl Label {
    /// Decodes UPS's base64 `GraphicImage`.
    pub(crate) fn decode(
        format: LabelFormat,
        image: &str,
        tracking_number: &str,
    ) -> Result<Self, Error> {
        let cleaned: String = image.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(cleaned)
            .map_err(|source| Error::LabelEncoding {
                tracking_number: tracking_number.to_owned(),
                source,
            })?;
        Ok(Self {
            format,
            bytes: Bytes::from(bytes),
        })
    }

    /// The format.
    pub fn format(&self) -> &LabelFormat {
        &self.format
    }

    /// The image or printer file.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Label")
            .field("format", &self.format)
            .field("len", &self.bytes.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_types_labels() {
        let label = Label::decode(LabelFormat::from_code("png"), "iVBO\nRw0K", "1Z").unwrap();
        assert_eq!(label.format(), &LabelFormat::Png);
        assert_eq!(&label.bytes()[..4], b"\x89PNG");
        assert!(Label::decode(LabelFormat::Gif, "not base64!", "1Z").is_err());
        assert_eq!(
            LabelFormat::from_code("SPL"),
            LabelFormat::Other("SPL".into())
        );
    }
}
