//! Decoding image files (PNG, JPEG, TIFF, BMP, WebP) into upright 8-bit grey pixels, with limits.
//!
//! This module owns everything between "bytes of a file" and "a grey image the MRZ finder can
//! use": recognising the format from its content (never from a file name), refusing oversized
//! images from their header before any pixel memory is taken, the allocation budget handed to the
//! `image` crate's decoders, turning the picture upright from its EXIF/TIFF orientation, and
//! reducing every colour model and bit depth (grey, RGB, RGBA, CMYK; 8 or 16 bits) to 8-bit grey.
//! Input is untrusted (scanner output, phone photos, e-mail attachments): every failure is a
//! [`DecodeError`] an officer can read, and nothing here panics.

use std::io::Cursor;

use image::error::LimitErrorKind;
use image::metadata::Orientation;
use image::{DynamicImage, GrayImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbaImage};

/// Limits for decoding untrusted images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Largest file accepted, in bytes; checked before anything is parsed.
    pub max_file_bytes: usize,
    /// Largest width, in pixels, as stored (before orientation).
    pub max_width: u32,
    /// Largest height, in pixels, as stored (before orientation).
    pub max_height: u32,
    /// Largest width x height.
    pub max_pixels: u64,
    /// Most memory the decoding may take at once: the decoded pixels in their stored colour type,
    /// the decoder's working buffers and the grey copies made here. Not counted: the copy of the
    /// file the JPEG decoder keeps, bounded by `max_file_bytes`.
    pub max_alloc_bytes: u64,
}

impl Default for DecodeLimits {
    /// Room for every genuine input with a margin, nothing near a decompression bomb: an A4 page
    /// scanned at 600 dpi is 4960 x 7016 (~35 Mpx), phone photos reach 50 Mpx, an ID-1 card at
    /// 1200 dpi is ~6 Mpx. 80 Mpx at the widest colour type (16-bit RGBA, 8 bytes a pixel) plus
    /// this module's working space (4 bytes a pixel) is 960 MB, inside the 1 GiB budget, so the
    /// pixel limit, not the memory limit, is what ordinary large images meet. 100 MiB of file is
    /// more than any of those images needs even uncompressed (35 Mpx of 8-bit grey is 35 MB).
    fn default() -> Self {
        Self {
            max_file_bytes: 100 * 1024 * 1024,
            max_width: 20_000,
            max_height: 20_000,
            max_pixels: 80_000_000,
            max_alloc_bytes: 1024 * 1024 * 1024,
        }
    }
}

/// Why an image could not be decoded. Each message is one sentence an officer can act on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The file has no bytes at all.
    #[error("the file is empty (0 bytes), so there is no image to read")]
    Empty,
    /// The file is larger than [`DecodeLimits::max_file_bytes`].
    #[error("the file is {bytes} bytes, more than the {max} bytes docexam accepts for an image")]
    TooLarge {
        /// Size of the file.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// The header declares more pixels than the limits allow; refused before decoding pixels.
    #[error(
        "the image is {width} x {height} pixels, larger than docexam accepts \
         (at most {max_width} x {max_height} and {max_pixels} pixels in all)"
    )]
    TooManyPixels {
        /// Width declared by the file.
        width: u32,
        /// Height declared by the file.
        height: u32,
        /// [`DecodeLimits::max_width`].
        max_width: u32,
        /// [`DecodeLimits::max_height`].
        max_height: u32,
        /// [`DecodeLimits::max_pixels`].
        max_pixels: u64,
    },
    /// The content is not one of the formats read here (whatever the file name says).
    #[error("the file is not an image docexam can read (PNG, JPEG, TIFF, BMP, WebP)")]
    UnknownFormat,
    /// A known format using a variant the decoder does not implement (e.g. a rare TIFF layout).
    #[error("the {format} image uses a variant docexam cannot read ({detail})")]
    Unsupported {
        /// "PNG", "JPEG", "TIFF", "BMP" or "WebP".
        format: &'static str,
        /// What the decoder reported.
        detail: String,
    },
    /// A known format whose data is truncated or damaged.
    #[error("the {format} file is damaged or incomplete ({detail})")]
    Corrupt {
        /// "PNG", "JPEG", "TIFF", "BMP" or "WebP".
        format: &'static str,
        /// What is wrong, as far as the decoder could tell.
        detail: String,
    },
    /// Decoding would take more memory than [`DecodeLimits::max_alloc_bytes`].
    #[error("the image needs more memory to decode than docexam allows ({detail})")]
    OutOfMemoryLimit {
        /// How much was needed, or which decoder buffer hit the limit.
        detail: String,
    },
}

/// A decoded image, turned upright and grey.
#[derive(Debug, Clone)]
pub struct DecodedImage {
    /// 8-bit luminance after the EXIF orientation is applied; transparent areas are white.
    pub gray: GrayImage,
    /// "PNG", "JPEG", "TIFF", "BMP" or "WebP": what the content is, not what the file was called.
    pub format: &'static str,
    /// Width as stored in the file, before orientation.
    pub original_width: u32,
    /// Height as stored in the file, before orientation.
    pub original_height: u32,
    /// The EXIF orientation found, 1 (none) to 8; 1 when the file carries none.
    pub exif_orientation: u8,
}

/// Working memory this module may need per pixel beyond the decoded buffer: a grey-alpha copy (2)
/// and the grey result (1), or the grey result and its rotated copy (2); decoders that ignore the
/// allocation limit (WebP) use up to 4 bytes a pixel of scratch at a time when ours is not in use.
const WORKING_BYTES_PER_PIXEL: u64 = 4;

/// Decodes an image file held in memory into upright 8-bit grey.
///
/// The format comes from the content. The order of checks keeps memory bounded for any input:
/// file size, then format, then the dimensions in the header (a PNG's IHDR is read directly, other
/// formats through their decoder's header parsing, which allocates nothing proportional to the
/// pixel count), then the allocation budget, and only then the pixels.
pub fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<DecodedImage, DecodeError> {
    decode_inner(bytes, limits, None).map(|(decoded, _)| decoded)
}

/// Like [`decode`], and also a colour copy for display: upright like the grey image, scaled down
/// so its longest side is at most `max_side` pixels (never up), transparent areas laid over white.
///
/// One decoding serves both, under the same limits; the preview's own memory (bounded by
/// `max_side`, not by the image) is counted in the allocation budget too.
pub fn decode_with_preview(
    bytes: &[u8],
    limits: &DecodeLimits,
    max_side: u32,
) -> Result<(DecodedImage, RgbaImage), DecodeError> {
    let (decoded, preview) = decode_inner(bytes, limits, Some(max_side.max(1)))?;
    // `decode_inner` makes a preview whenever asked for one; an empty image keeps this total.
    Ok((decoded, preview.unwrap_or_default()))
}

fn decode_inner(
    bytes: &[u8],
    limits: &DecodeLimits,
    preview_side: Option<u32>,
) -> Result<(DecodedImage, Option<RgbaImage>), DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if bytes.len() > limits.max_file_bytes {
        return Err(DecodeError::TooLarge { bytes: bytes.len(), max: limits.max_file_bytes });
    }
    // `guess_format` looks only at magic numbers; unlike `with_guessed_format` it ignores
    // process-wide decoder hooks, so what is decoded here cannot change behind our back.
    let image_format = image::guess_format(bytes).map_err(|_| DecodeError::UnknownFormat)?;
    let format = format_name(image_format).ok_or(DecodeError::UnknownFormat)?;

    // The PNG decoder reads up to the first image data chunk when it is made; checking the IHDR
    // first means even a bomb with a valid stream never gets that far.
    if image_format == ImageFormat::Png
        && let Some((width, height)) = png_ihdr_dimensions(bytes)
    {
        check_dimensions(width, height, limits)?;
    }
    match image_format {
        ImageFormat::Jpeg => check_jpeg_complete(bytes)?,
        ImageFormat::WebP => check_riff_complete(bytes)?,
        _ => {}
    }

    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    // Header parsing gets the whole budget for its own buffers (ICC profiles, text chunks, TIFF
    // tag arrays); the dimension limits are applied below, where we can name the dimensions.
    let mut header_limits = Limits::default();
    header_limits.max_alloc = Some(limits.max_alloc_bytes);
    reader.limits(header_limits);
    let mut decoder = reader.into_decoder().map_err(|e| from_image_error(e, format, None, limits))?;

    let (width, height) = decoder.dimensions();
    check_dimensions(width, height, limits)?;
    if width == 0 || height == 0 {
        return Err(DecodeError::Corrupt { format, detail: format!("the header declares {width} x {height} pixels") });
    }

    let pixels = u64::from(width) * u64::from(height);
    // A preview is made from the decoded image at its stored colour type (up to 16 bytes a pixel
    // for 32-bit float RGBA), then turned into 8-bit RGBA and rotated (twice 4 bytes a pixel).
    let preview_bytes = preview_side.map_or(0, |side| {
        let (w, h) = preview_size(width, height, side);
        (u64::from(w) * u64::from(h)).saturating_mul(16 + 8)
    });
    let working = pixels.saturating_mul(WORKING_BYTES_PER_PIXEL).saturating_add(preview_bytes);
    let needed = decoder.total_bytes().saturating_add(working);
    if needed > limits.max_alloc_bytes {
        return Err(DecodeError::OutOfMemoryLimit {
            detail: format!(
                "{width} x {height} pixels in this colour format need about {} MiB, the limit is {} MiB",
                needed.div_ceil(1 << 20),
                limits.max_alloc_bytes / (1 << 20)
            ),
        });
    }
    // Other workers' decodings count too: wait until this one fits in the process's budget.
    let _permit = crate::budget::PROCESS.acquire(needed);
    let mut pixel_limits = Limits::default();
    pixel_limits.max_image_width = Some(limits.max_width);
    pixel_limits.max_image_height = Some(limits.max_height);
    // The decoded buffer and the decoder's scratch share what our own working space leaves.
    pixel_limits.max_alloc = Some(limits.max_alloc_bytes.saturating_sub(working));
    decoder.set_limits(pixel_limits).map_err(|e| from_image_error(e, format, Some((width, height)), limits))?;

    // A damaged orientation tag must not cost the officer the image: it is read as "none", and
    // `exif_orientation` = 1 says so. Asked before decoding because decoding consumes the decoder.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image =
        DynamicImage::from_decoder(decoder).map_err(|e| from_image_error(e, format, Some((width, height)), limits))?;

    let preview = preview_side.map(|side| preview_of(&image, side, orientation));
    // Grey first, then rotate: the rotation copies one byte a pixel instead of up to eight.
    let mut upright = DynamicImage::ImageLuma8(to_gray_on_white(image));
    upright.apply_orientation(orientation);
    let decoded = DecodedImage {
        gray: upright.into_luma8(),
        format,
        original_width: width,
        original_height: height,
        exif_orientation: orientation.to_exif(),
    };
    Ok((decoded, preview))
}

/// Width and height of a `width` x `height` image scaled so its longest side is at most `max_side`.
fn preview_size(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= max_side {
        return (width, height);
    }
    let scale = f64::from(max_side) / f64::from(longest);
    // Both results are at most `max_side`, so the conversions are exact.
    let side = |n: u32| ((f64::from(n) * scale).round() as u32).clamp(1, max_side);
    (side(width), side(height))
}

/// The display copy: scaled down first (so nothing full-size is allocated in colour), then 8-bit
/// RGBA laid over white like the grey image, then turned upright.
fn preview_of(image: &DynamicImage, max_side: u32, orientation: Orientation) -> RgbaImage {
    let (w, h) = preview_size(image.width(), image.height(), max_side);
    let mut rgba = if (w, h) == (image.width(), image.height()) {
        image.to_rgba8()
    } else {
        image.thumbnail_exact(w, h).to_rgba8()
    };
    for pixel in rgba.pixels_mut() {
        let [r, g, b, a] = pixel.0;
        if a < u8::MAX {
            pixel.0 = [over_white(r, a), over_white(g, a), over_white(b, a), u8::MAX];
        }
    }
    let mut upright = DynamicImage::ImageRgba8(rgba);
    upright.apply_orientation(orientation);
    upright.into_rgba8()
}

/// The display name of a format read here; `None` for formats the crate is built without.
fn format_name(format: ImageFormat) -> Option<&'static str> {
    match format {
        ImageFormat::Png => Some("PNG"),
        ImageFormat::Jpeg => Some("JPEG"),
        ImageFormat::Tiff => Some("TIFF"),
        ImageFormat::Bmp => Some("BMP"),
        ImageFormat::WebP => Some("WebP"),
        _ => None,
    }
}

fn check_dimensions(width: u32, height: u32, limits: &DecodeLimits) -> Result<(), DecodeError> {
    let pixels = u64::from(width) * u64::from(height);
    if width > limits.max_width || height > limits.max_height || pixels > limits.max_pixels {
        return Err(DecodeError::TooManyPixels {
            width,
            height,
            max_width: limits.max_width,
            max_height: limits.max_height,
            max_pixels: limits.max_pixels,
        });
    }
    Ok(())
}

/// Width and height from a PNG's IHDR, which the format requires to be the first chunk:
/// signature (8 bytes), chunk length (4), "IHDR" (4), width (4, big-endian), height (4).
/// `None` if the file is too short or malformed there; the decoder then reports it as corrupt.
fn png_ihdr_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
    let height = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
    Some((width, height))
}

/// Refuses a JPEG whose entropy-coded data does not reach an end-of-image marker.
///
/// The JPEG decoder is lenient: a file cut short decodes "successfully" with the missing part
/// filled in grey, which would hand the MRZ reader half a page without a word. The markers before
/// the first start-of-scan are walked by their lengths (an EXIF thumbnail inside APP1 carries its
/// own markers, which must not count); after it, 0xFF 0xD9 cannot occur inside coded data (0xFF is
/// stuffed as 0xFF 0x00), so finding it means the scans ended properly.
fn check_jpeg_complete(bytes: &[u8]) -> Result<(), DecodeError> {
    let truncated = || DecodeError::Corrupt {
        format: "JPEG",
        detail: "the file ends before the end-of-image marker; it was probably cut short".to_owned(),
    };
    let mut pos = 2; // after SOI (0xFF 0xD8), which `guess_format` has seen
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        while bytes.get(pos) == Some(&0xFF) && bytes.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(pos), bytes.get(pos + 1)) else {
            // Not a marker where one must be: the decoder names the damage more precisely.
            return Ok(());
        };
        match marker {
            0xDA => break,                  // start of scan: coded data follows its header
            0xD9 => return Ok(()),          // an image without scans; the decoder will say so
            0x01 | 0xD0..=0xD7 => pos += 2, // markers without a length field
            _ => {
                let length = bytes.get(pos + 2..pos + 4).and_then(|b| b.try_into().ok()).ok_or_else(truncated)?;
                let length = usize::from(u16::from_be_bytes(length));
                pos += 2 + length;
                if pos > bytes.len() {
                    return Err(truncated());
                }
            }
        }
    }
    let scans = bytes.get(pos..).unwrap_or_default();
    if scans.windows(2).any(|w| w == [0xFF, 0xD9]) { Ok(()) } else { Err(truncated()) }
}

/// Refuses a WebP shorter than its RIFF header says. The lossy (VP8) decoder reads past the end of
/// its data as zeros, so a file cut short can decode "successfully" with a damaged bottom.
fn check_riff_complete(bytes: &[u8]) -> Result<(), DecodeError> {
    // "RIFF", then the size of everything after these 8 bytes (little-endian).
    let declared = bytes.get(4..8).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes);
    match declared {
        Some(size) if u64::from(size) + 8 <= bytes.len() as u64 => Ok(()),
        Some(size) => Err(DecodeError::Corrupt {
            format: "WebP",
            detail: format!("the header announces {} bytes but the file has {}", u64::from(size) + 8, bytes.len()),
        }),
        // `guess_format` saw "RIFF....WEBP", so the size field is there; keep the check total.
        None => Ok(()),
    }
}

/// 8-bit grey from any colour type: luminance with the `image` crate's Rec. 709 weights, 16-bit
/// samples scaled to 8 bits, CMYK already turned into RGB by the decoder, and transparency laid
/// over white (a scan exported with a transparent background would otherwise turn black, because
/// fully transparent pixels usually store black).
fn to_gray_on_white(image: DynamicImage) -> GrayImage {
    let (width, height) = (image.width(), image.height());
    // 8-bit RGB and RGBA (nearly every JPEG, WebP, BMP and photo PNG) get a direct loop: the
    // generic conversion costs ~40 ms on a 300-dpi A4 page, as much as decoding it.
    match image {
        DynamicImage::ImageLuma8(gray) => gray,
        DynamicImage::ImageRgb8(rgb) => {
            let mut gray = GrayImage::new(width, height);
            for (out, &[r, g, b]) in gray.iter_mut().zip(rgb.as_raw().as_chunks::<3>().0) {
                *out = luma(r, g, b);
            }
            gray
        }
        DynamicImage::ImageRgba8(rgba) => {
            let mut gray = GrayImage::new(width, height);
            for (out, &[r, g, b, a]) in gray.iter_mut().zip(rgba.as_raw().as_chunks::<4>().0) {
                *out = over_white(luma(r, g, b), a);
            }
            gray
        }
        image if image.color().has_alpha() => {
            let grey_alpha = image.to_luma_alpha8();
            drop(image); // free the decoded buffer before the grey one is allocated
            let mut gray = GrayImage::new(width, height);
            for (out, &[l, a]) in gray.iter_mut().zip(grey_alpha.as_raw().as_chunks::<2>().0) {
                *out = over_white(l, a);
            }
            gray
        }
        image => image.to_luma8(),
    }
}

/// Rec. 709 luminance of the sRGB values as stored (no linearisation), rounded: the formula the
/// `image` crate uses for the other colour types, in integers (it works in f32, so the two can
/// differ by one level where a value falls on a half).
fn luma(r: u8, g: u8, b: u8) -> u8 {
    let y = (2126 * u32::from(r) + 7152 * u32::from(g) + 722 * u32::from(b) + 5000) / 10_000;
    // The weights sum to 10 000, so y <= 255 and the conversion never fails.
    u8::try_from(y).unwrap_or(u8::MAX)
}

/// A grey value (or one colour channel) with opacity `alpha` laid over white, rounded.
fn over_white(luma: u8, alpha: u8) -> u8 {
    let (l, a) = (u32::from(luma), u32::from(alpha));
    u8::try_from((l * a + 255 * (255 - a) + 127) / 255).unwrap_or(u8::MAX)
}

/// Sorts the `image` crate's errors into ours. `dimensions` is known once the header is read.
fn from_image_error(
    error: ImageError,
    format: &'static str,
    dimensions: Option<(u32, u32)>,
    limits: &DecodeLimits,
) -> DecodeError {
    match error {
        ImageError::Decoding(e) => DecodeError::Corrupt { format, detail: e.to_string() },
        // Reading from memory fails only where the data stops.
        ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            DecodeError::Corrupt { format, detail: "the file ends before the image data does".to_owned() }
        }
        ImageError::IoError(e) => DecodeError::Corrupt { format, detail: e.to_string() },
        ImageError::Unsupported(e) => DecodeError::Unsupported { format, detail: e.to_string() },
        ImageError::Limits(e) => match (e.kind(), dimensions) {
            (LimitErrorKind::InsufficientMemory, _) => {
                DecodeError::OutOfMemoryLimit { detail: format!("the {format} decoder reached the allocation limit") }
            }
            // Our own check runs first with the same numbers, so this is a backstop.
            (LimitErrorKind::DimensionError, Some((width, height))) => DecodeError::TooManyPixels {
                width,
                height,
                max_width: limits.max_width,
                max_height: limits.max_height,
                max_pixels: limits.max_pixels,
            },
            _ => DecodeError::Unsupported { format, detail: e.to_string() },
        },
        // Raised when the decoded data does not fit the declared dimensions.
        ImageError::Parameter(e) => DecodeError::Corrupt { format, detail: e.to_string() },
        ImageError::Encoding(e) => DecodeError::Corrupt { format, detail: e.to_string() },
    }
}
