//! `imaging::decode` on real and hostile files: every format and colour model comes out as upright
//! 8-bit grey with the right pixels where they belong; empty, oversized, truncated, damaged and
//! non-image input gives the matching `DecodeError`, fast and without a panic.
//!
//! Fixtures (`tests/fixtures/images/`, made with ImageMagick, see the README there) stand for what
//! other software writes; images needing exact sample values are encoded here with the `image`
//! crate.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use std::io::Cursor;
use std::sync::LazyLock;

use image::{DynamicImage, GrayImage, ImageBuffer, ImageFormat, Luma, LumaA, Rgba};
use proptest::prelude::*;
use proptest::test_runner::Config;

use docexam_imaging::decode::{DecodeError, DecodeLimits, DecodedImage, decode, decode_with_preview};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/images/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn decode_default(bytes: &[u8]) -> Result<DecodedImage, DecodeError> {
    decode(bytes, &DecodeLimits::default())
}

/// A result for assertion messages, without dumping the pixels.
fn summary(result: &Result<DecodedImage, DecodeError>) -> String {
    match result {
        Ok(d) => format!("Ok({} {}x{} -> {:?})", d.format, d.original_width, d.original_height, d.gray.dimensions()),
        Err(e) => format!("Err({e:?})"),
    }
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A page-like test picture: white, with a black block in the top-left corner and some texture
/// so the compressed data is long enough to cut in interesting places.
fn dark_corner_rgb(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(ImageBuffer::from_fn(width, height, |x, y| {
        if x < width / 3 && y < height / 3 {
            image::Rgb([0, 0, 0])
        } else {
            let v = 200 + ((x * 7 + y * 13) % 56) as u8;
            image::Rgb([v, v, v])
        }
    }))
}

/// Mean grey over a rectangle of the result.
fn mean(gray: &GrayImage, x0: u32, y0: u32, x1: u32, y1: u32) -> f64 {
    let mut sum = 0u64;
    let mut n = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            sum += u64::from(gray.get_pixel(x, y).0[0]);
            n += 1;
        }
    }
    sum as f64 / n as f64
}

/// Where the dark block of a fixture ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

/// The corner whose outer sixth of the image (each way) is darkest, after checking that exactly
/// one corner is dark and the others light.
fn dark_corner(gray: &GrayImage) -> Corner {
    let (w, h) = gray.dimensions();
    let (cw, ch) = ((w / 6).max(1), (h / 6).max(1));
    let corners = [
        (Corner::TopLeft, mean(gray, 0, 0, cw, ch)),
        (Corner::TopRight, mean(gray, w - cw, 0, w, ch)),
        (Corner::BottomLeft, mean(gray, 0, h - ch, cw, h)),
        (Corner::BottomRight, mean(gray, w - cw, h - ch, w, h)),
    ];
    let dark: Vec<_> = corners.iter().filter(|(_, m)| *m < 64.0).collect();
    let light = corners.iter().filter(|(_, m)| *m > 190.0).count();
    assert!(dark.len() == 1 && light == 3, "expected one dark corner and three light ones, got {corners:?}");
    dark[0].0
}

// ---------------------------------------------------------------------------------------------
// Formats and colour models

#[test]
fn every_fixture_format_decodes_to_a_dark_corner_on_white() {
    for (name, format) in [
        ("cmyk_dark_corner.jpg", "JPEG"),
        ("cmyk_dark_corner.tif", "TIFF"),
        ("gray_dark_corner.tif", "TIFF"),
        ("dark_corner.bmp", "BMP"),
        ("dark_corner.webp", "WebP"),
        ("dark_corner_lossless.webp", "WebP"),
        ("dark_corner_rgba.png", "PNG"),
    ] {
        let decoded = decode_default(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(decoded.format, format, "{name}");
        assert_eq!((decoded.original_width, decoded.original_height), (64, 48), "{name}");
        assert_eq!(decoded.gray.dimensions(), (64, 48), "{name}");
        assert_eq!(decoded.exif_orientation, 1, "{name}");
        assert_eq!(dark_corner(&decoded.gray), Corner::TopLeft, "{name}");
        // The block is 24 x 16 pixels: inside it black, outside it white (lossy formats blur
        // the edge, so sample away from it).
        assert!(mean(&decoded.gray, 2, 2, 20, 12) < 40.0, "{name}: block not dark");
        assert!(mean(&decoded.gray, 30, 24, 62, 46) > 215.0, "{name}: background not light");
    }
}

#[test]
fn cmyk_jpeg_is_black_on_white_not_inverted() {
    // ImageMagick writes Adobe-style CMYK JPEGs; reading the channels the wrong way round gives a
    // negative (white block on black), which this catches.
    let decoded = decode_default(&fixture("cmyk_dark_corner.jpg")).unwrap();
    assert!(mean(&decoded.gray, 0, 0, 24, 16) < 30.0);
    assert!(mean(&decoded.gray, 24, 16, 64, 48) > 225.0);
}

#[test]
fn cmyk_tiff_with_alpha_is_named_unsupported() {
    // The `image` crate reads CMYK TIFFs but not CMYK plus an alpha channel: the officer is told
    // which format and why, rather than shown a wrong picture.
    let result = decode_default(&fixture("cmyk_alpha.tif"));
    assert!(matches!(result, Err(DecodeError::Unsupported { format: "TIFF", .. })), "got {}", summary(&result));
}

#[test]
fn sixteen_bit_png_gradients_map_onto_the_8_bit_range() {
    // 4 x 1000, black at the top to white at the bottom, 16 bits a sample (grey and RGB).
    for name in ["gray16_gradient.png", "rgb16_gradient.png"] {
        let decoded = decode_default(&fixture(name)).unwrap();
        let gray = &decoded.gray;
        assert_eq!(gray.dimensions(), (4, 1000), "{name}");
        let column: Vec<u8> = (0..1000).map(|y| gray.get_pixel(1, y).0[0]).collect();
        assert!(column[0] <= 1 && column[999] >= 254, "{name}: ends {} and {}", column[0], column[999]);
        assert!(column.windows(2).all(|w| w[0] <= w[1]), "{name}: not monotonic");
        for (y, &v) in column.iter().enumerate() {
            let expected = 255.0 * y as f64 / 999.0;
            assert!((f64::from(v) - expected).abs() <= 1.5, "{name}: row {y} is {v}, expected ~{expected:.1}");
        }
    }
}

#[test]
fn sixteen_bit_samples_scale_exactly() {
    // 0x8080 is 128 x 257: exactly 8-bit 128. 0x7FFF lies between 127 and 128 (127.5 x 257).
    let samples: [u16; 5] = [0, 0x0101, 0x7F7F, 0x8080, 0xFFFF];
    let expected: [u8; 5] = [0, 1, 127, 128, 255];
    let l16 = ImageBuffer::<Luma<u16>, _>::from_fn(5, 1, |x, _| Luma([samples[x as usize]]));
    let decoded = decode_default(&encode(&DynamicImage::ImageLuma16(l16), ImageFormat::Png)).unwrap();
    assert_eq!(decoded.gray.as_raw().as_slice(), expected);

    // Opaque 16-bit RGBA grey: same values through the alpha path.
    let rgba16 = ImageBuffer::<Rgba<u16>, _>::from_fn(5, 1, |x, _| {
        let v = samples[x as usize];
        Rgba([v, v, v, 0xFFFF])
    });
    let decoded = decode_default(&encode(&DynamicImage::ImageRgba16(rgba16), ImageFormat::Png)).unwrap();
    assert_eq!(decoded.gray.as_raw().as_slice(), expected);
}

#[test]
fn transparency_is_laid_over_white() {
    // Transparent black, opaque black, half-transparent black, opaque mid-grey.
    let pixels = [[0, 0, 0, 0], [0, 0, 0, 255], [0, 0, 0, 128], [128, 128, 128, 255]];
    let rgba = ImageBuffer::<Rgba<u8>, _>::from_fn(4, 1, |x, _| Rgba(pixels[x as usize]));
    let decoded = decode_default(&encode(&DynamicImage::ImageRgba8(rgba), ImageFormat::Png)).unwrap();
    assert_eq!(decoded.gray.as_raw().as_slice(), [255, 0, 127, 128]);

    let la = ImageBuffer::<LumaA<u8>, _>::from_fn(2, 1, |x, _| LumaA([0, if x == 0 { 0 } else { 255 }]));
    let decoded = decode_default(&encode(&DynamicImage::ImageLumaA8(la), ImageFormat::Png)).unwrap();
    assert_eq!(decoded.gray.as_raw().as_slice(), [255, 0]);
}

#[test]
fn colour_is_reduced_to_luminance() {
    // Pure red, green, blue and white: Rec. 709 weights 0.2126, 0.7152, 0.0722.
    let colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]];
    let rgb = ImageBuffer::from_fn(4, 1, |x, _| image::Rgb(colours[x as usize]));
    let decoded = decode_default(&encode(&DynamicImage::ImageRgb8(rgb), ImageFormat::Png)).unwrap();
    let got = decoded.gray.as_raw();
    for (i, expected) in [54.2, 182.4, 18.4, 255.0].into_iter().enumerate() {
        assert!((f64::from(got[i]) - expected).abs() <= 1.0, "colour {i}: {} vs {expected}", got[i]);
    }
}

#[test]
fn formats_written_by_the_image_crate_round_trip() {
    let source = dark_corner_rgb(90, 60);
    for (format, name) in [
        (ImageFormat::Png, "PNG"),
        (ImageFormat::Jpeg, "JPEG"),
        (ImageFormat::Tiff, "TIFF"),
        (ImageFormat::Bmp, "BMP"),
        (ImageFormat::WebP, "WebP"),
    ] {
        let decoded = decode_default(&encode(&source, format)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(decoded.format, name);
        assert_eq!(decoded.gray.dimensions(), (90, 60), "{name}");
        assert_eq!(dark_corner(&decoded.gray), Corner::TopLeft, "{name}");
    }
}

#[test]
fn lossless_colour_matches_the_image_crates_luminance() {
    // docexam's fast 8-bit RGB/RGBA paths must agree with `DynamicImage::to_luma8`, which the other
    // colour types go through, so a colour reads the same grey whatever file it came in: equal, or
    // one level apart where the image crate's f32 arithmetic rounds a half the other way.
    let colourful = DynamicImage::ImageRgb8(ImageBuffer::from_fn(97, 61, |x, y| {
        image::Rgb([(x * 37 % 256) as u8, (y * 59 % 256) as u8, ((x * y) % 256) as u8])
    }));
    let expected = colourful.to_luma8();
    let sources = [
        colourful.clone(),
        DynamicImage::ImageRgba8(colourful.to_rgba8()),
        DynamicImage::ImageRgb16(colourful.to_rgb16()),
    ];
    for source in sources {
        for format in [ImageFormat::Png, ImageFormat::Tiff] {
            let decoded = decode_default(&encode(&source, format)).unwrap();
            let mut off_by_one = 0;
            for (a, b) in decoded.gray.as_raw().iter().zip(expected.as_raw()) {
                assert!(a.abs_diff(*b) <= 1, "{format:?} from {:?}: {a} vs {b}", source.color());
                off_by_one += usize::from(a != b);
            }
            assert!(off_by_one * 100 < expected.len(), "{format:?} from {:?}: {off_by_one} differ", source.color());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Orientation

#[test]
fn exif_orientation_6_jpeg_is_turned_clockwise() {
    // Stored 40 x 20 with a 10 x 10 black block at the top left; orientation 6 says "rotate 90
    // degrees clockwise to display", which takes the stored top left to the top right.
    let decoded = decode_default(&fixture("exif_orientation6.jpg")).unwrap();
    assert_eq!(decoded.exif_orientation, 6);
    assert_eq!((decoded.original_width, decoded.original_height), (40, 20));
    assert_eq!(decoded.gray.dimensions(), (20, 40));
    assert_eq!(dark_corner(&decoded.gray), Corner::TopRight);
    assert!(mean(&decoded.gray, 12, 1, 19, 8) < 30.0, "block not at the top right");
    assert!(mean(&decoded.gray, 0, 0, 8, 8) > 220.0, "top left not light");
    assert!(mean(&decoded.gray, 0, 12, 20, 40) > 220.0, "lower part not light");
}

#[test]
fn tiff_orientation_tag_6_is_turned_clockwise() {
    let decoded = decode_default(&fixture("orientation6.tif")).unwrap();
    assert_eq!(decoded.format, "TIFF");
    assert_eq!(decoded.exif_orientation, 6);
    assert_eq!(decoded.gray.dimensions(), (20, 40));
    assert_eq!(dark_corner(&decoded.gray), Corner::TopRight);
}

#[test]
fn all_eight_exif_orientations_place_the_corner() {
    // The fixture's EXIF holds one IFD entry: tag 0x0112 (Orientation), type SHORT, count 1,
    // value 6. Rewriting the value gives the other seven orientations with the same pixels.
    let original = fixture("exif_orientation6.jpg");
    let entry = [0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00];
    let at = original.windows(entry.len()).position(|w| w == entry).expect("orientation entry") + 8;
    for (value, corner, swapped) in [
        (1, Corner::TopLeft, false),
        (2, Corner::TopRight, false),    // mirrored left-right
        (3, Corner::BottomRight, false), // turned 180 degrees
        (4, Corner::BottomLeft, false),  // mirrored top-bottom
        (5, Corner::TopLeft, true),      // transposed
        (6, Corner::TopRight, true),     // turned 90 degrees clockwise
        (7, Corner::BottomRight, true),  // transversed
        (8, Corner::BottomLeft, true),   // turned 90 degrees anticlockwise
    ] {
        let mut bytes = original.clone();
        bytes[at] = value;
        let decoded = decode_default(&bytes).unwrap();
        assert_eq!(decoded.exif_orientation, value);
        let expected_dims = if swapped { (20, 40) } else { (40, 20) };
        assert_eq!(decoded.gray.dimensions(), expected_dims, "orientation {value}");
        assert_eq!(dark_corner(&decoded.gray), corner, "orientation {value}");
    }
    // Out of range: treated as none.
    let mut bytes = original.clone();
    bytes[at] = 9;
    let decoded = decode_default(&bytes).unwrap();
    assert_eq!((decoded.exif_orientation, decoded.gray.dimensions()), (1, (40, 20)));
}

// ---------------------------------------------------------------------------------------------
// Limits and malformed files

/// A PNG of IHDR, one tiny IDAT and IEND, claiming any size: what a decompression bomb's header
/// looks like (a real bomb's IDAT would inflate to width x height bytes).
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grey, deflate, adaptive filter, no interlace
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &ihdr);
    // zlib header, then a final fixed-Huffman block holding only the end code: zero bytes.
    chunk(&mut png, b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// CRC-32 (ISO-HDLC, as PNG uses), bit by bit: test data is small.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn crc32_matches_the_png_check_value() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(crc32(b"IEND"), 0xAE42_6082);
}

#[test]
fn png_header_claiming_50000_square_is_refused_from_the_header() {
    let bomb = png_claiming(50_000, 50_000);
    // Refused from 57 bytes of header: the 2.5 GB pixel buffer is never allocated (the error
    // comes before any decoder runs). Speed is a benchmark's business, not a test's.
    match decode_default(&bomb) {
        Err(DecodeError::TooManyPixels { width, height, max_width, max_height, max_pixels }) => {
            assert_eq!((width, height), (50_000, 50_000));
            assert_eq!((max_width, max_height, max_pixels), (20_000, 20_000, 80_000_000));
        }
        other => panic!("expected TooManyPixels, got {}", summary(&other)),
    }
}

#[test]
fn pixel_count_is_limited_even_when_each_side_fits() {
    // 19 000 x 19 000 is inside 20 000 x 20 000 but 361 million pixels.
    assert!(matches!(
        decode_default(&png_claiming(19_000, 19_000)),
        Err(DecodeError::TooManyPixels { width: 19_000, height: 19_000, .. })
    ));
    // A tall strip over the height limit.
    assert!(matches!(decode_default(&png_claiming(10, 20_001)), Err(DecodeError::TooManyPixels { .. })));
    // The same header under generous limits gets past the check and fails on its missing data.
    let limits = DecodeLimits { max_width: 100, max_height: 100, max_pixels: 10_000, ..DecodeLimits::default() };
    assert!(matches!(decode(&png_claiming(100, 100), &limits), Err(DecodeError::Corrupt { format: "PNG", .. })));
    assert!(matches!(decode(&png_claiming(101, 1), &limits), Err(DecodeError::TooManyPixels { .. })));
}

#[test]
fn jpeg_and_bmp_headers_claiming_huge_sizes_are_refused() {
    // JPEG: SOF0 is FF C0, length (2), precision (1), height (2), width (2).
    let mut jpeg = encode(&dark_corner_rgb(64, 48), ImageFormat::Jpeg);
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).expect("SOF0");
    jpeg[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]); // 60000 x 60000
    let result = decode_default(&jpeg);
    assert!(
        matches!(result, Err(DecodeError::TooManyPixels { width: 60_000, height: 60_000, .. })),
        "got {}",
        summary(&result)
    );

    // BMP: BITMAPINFOHEADER width at offset 18, height at 22 (little-endian i32).
    let mut bmp = fixture("dark_corner.bmp");
    bmp[18..22].copy_from_slice(&30_000i32.to_le_bytes());
    bmp[22..26].copy_from_slice(&30_000i32.to_le_bytes());
    let result = decode_default(&bmp);
    assert!(matches!(result, Err(DecodeError::TooManyPixels { width: 30_000, .. })), "got {}", summary(&result));
}

#[test]
fn zero_by_zero_header_is_an_error() {
    for (width, height) in [(0, 0), (0, 10), (10, 0)] {
        let result = decode_default(&png_claiming(width, height));
        assert!(
            matches!(result, Err(DecodeError::Corrupt { format: "PNG", .. })),
            "{width}x{height}: {}",
            summary(&result)
        );
    }
}

#[test]
fn empty_file_is_empty() {
    assert!(matches!(decode_default(&[]), Err(DecodeError::Empty)));
}

#[test]
fn file_over_the_size_limit_is_refused_before_parsing() {
    let png = encode(&dark_corner_rgb(32, 32), ImageFormat::Png);
    let limits = DecodeLimits { max_file_bytes: png.len() - 1, ..DecodeLimits::default() };
    match decode(&png, &limits) {
        Err(DecodeError::TooLarge { bytes, max }) => assert_eq!((bytes, max), (png.len(), png.len() - 1)),
        other => panic!("expected TooLarge, got {}", summary(&other)),
    }
    let limits = DecodeLimits { max_file_bytes: png.len(), ..DecodeLimits::default() };
    assert!(decode(&png, &limits).is_ok());
}

#[test]
fn allocation_limit_is_reported() {
    // 300 x 200 RGB: 180 000 bytes decoded plus 240 000 of working space.
    let png = encode(&dark_corner_rgb(300, 200), ImageFormat::Png);
    let limits = DecodeLimits { max_alloc_bytes: 400_000, ..DecodeLimits::default() };
    let result = decode(&png, &limits);
    assert!(matches!(result, Err(DecodeError::OutOfMemoryLimit { .. })), "got {}", summary(&result));
    let limits = DecodeLimits { max_alloc_bytes: 1_000_000, ..DecodeLimits::default() };
    assert!(decode(&png, &limits).is_ok());
}

#[test]
fn text_and_random_bytes_are_not_images() {
    let mut noise = Vec::new();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..4096 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        noise.push(state as u8);
    }
    let inputs: [&[u8]; 7] = [
        b"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n",
        b"This is a plain text file, not a scan.",
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00", // an image, but not a format read here
        b"\x89PN",                             // a PNG signature cut short
        b"\x00",
        &noise,
    ];
    for input in inputs {
        let result = decode_default(input);
        assert!(matches!(result, Err(DecodeError::UnknownFormat)), "{input:?}: {}", summary(&result));
    }
}

/// About 150 cut positions spread over `start..end`: every region of the file, in debug-build time.
fn cut_points(start: usize, end: usize) -> impl Iterator<Item = usize> {
    (start..end).step_by(((end - start) / 150).max(1))
}

#[test]
fn truncated_png_is_corrupt_wherever_it_is_cut() {
    let png = encode(&dark_corner_rgb(200, 120), ImageFormat::Png);
    let idat = png.windows(4).position(|w| w == b"IDAT").expect("IDAT");
    // From just after the signature to just before the end of the image data (the final IEND
    // chunk is 12 bytes, its CRC included).
    for cut in cut_points(8, png.len() - 12).chain([idat, idat + 4, png.len() - 13]) {
        let result = decode_default(&png[..cut]);
        assert!(
            matches!(result, Err(DecodeError::Corrupt { format: "PNG", .. })),
            "cut at {cut}: {}",
            summary(&result)
        );
    }
}

#[test]
fn truncated_jpeg_is_corrupt_wherever_it_is_cut() {
    for jpeg in [encode(&dark_corner_rgb(200, 120), ImageFormat::Jpeg), fixture("cmyk_dark_corner.jpg")] {
        for cut in cut_points(3, jpeg.len() - 2).chain([jpeg.len() - 2, jpeg.len() - 1]) {
            let result = decode_default(&jpeg[..cut]);
            assert!(
                matches!(result, Err(DecodeError::Corrupt { format: "JPEG", .. })),
                "cut at {cut} of {}: {}",
                jpeg.len(),
                summary(&result)
            );
        }
    }
}

#[test]
fn truncated_tiff_bmp_and_webp_are_errors() {
    // `last_byte_is_pixels`: in the BMP and WebP files the final byte is image data; ImageMagick's
    // TIFFs end with tag values (the white point) a reader may ignore, so cutting only that one
    // byte legitimately still decodes.
    for (name, last_byte_is_pixels) in [
        ("gray_dark_corner.tif", false),
        ("cmyk_dark_corner.tif", false),
        ("dark_corner.bmp", true),
        ("dark_corner.webp", true),
        ("dark_corner_lossless.webp", true),
    ] {
        let bytes = fixture(name);
        let mut cuts = vec![bytes.len() / 4, bytes.len() / 2, bytes.len() * 3 / 4];
        if last_byte_is_pixels {
            cuts.push(bytes.len() - 1);
        }
        for cut in cuts {
            let result = decode_default(&bytes[..cut]);
            assert!(
                matches!(result, Err(DecodeError::Corrupt { .. } | DecodeError::Unsupported { .. })),
                "{name} cut at {cut}: {}",
                summary(&result)
            );
        }
    }
}

#[test]
fn messages_are_one_sentence_for_an_officer() {
    let errors = [
        DecodeError::Empty,
        DecodeError::TooLarge { bytes: 200, max: 100 },
        DecodeError::TooManyPixels {
            width: 50_000,
            height: 50_000,
            max_width: 20_000,
            max_height: 20_000,
            max_pixels: 80_000_000,
        },
        DecodeError::UnknownFormat,
        DecodeError::Unsupported { format: "TIFF", detail: "planar CMYK".to_owned() },
        DecodeError::Corrupt { format: "PNG", detail: "the file ends early".to_owned() },
        DecodeError::OutOfMemoryLimit { detail: "needs 2 GiB".to_owned() },
    ];
    for error in &errors {
        let message = error.to_string();
        assert!(!message.contains('\n') && message.len() < 200, "{message}");
        assert!(message.starts_with("the "), "{message}");
    }
    assert_eq!(errors[3].to_string(), "the file is not an image docexam can read (PNG, JPEG, TIFF, BMP, WebP)");
    assert!(errors[2].to_string().contains("50000 x 50000"));
}

#[test]
fn default_limits_are_as_documented() {
    let limits = DecodeLimits::default();
    assert_eq!(limits.max_file_bytes, 100 << 20);
    assert_eq!((limits.max_width, limits.max_height, limits.max_pixels), (20_000, 20_000, 80_000_000));
    assert_eq!(limits.max_alloc_bytes, 1 << 30);
    // A 600-dpi A4 page fits, as does a 50-megapixel phone photo, even as 16-bit RGBA.
    for (width, height) in [(4960u32, 7016u32), (8160, 6144)] {
        let pixels = u64::from(width) * u64::from(height);
        assert!(width <= limits.max_width && height <= limits.max_height && pixels <= limits.max_pixels);
        assert!(pixels * (8 + 4) <= limits.max_alloc_bytes);
    }
}

// ---------------------------------------------------------------------------------------------
// Properties: no input panics

fn config() -> Config {
    // Fixed case counts and no failure persistence files: CI runs are reproducible and quick.
    Config { cases: 256, failure_persistence: None, ..Config::default() }
}

/// Valid files to damage: the image crate's own PNG and JPEG, and every fixture.
static SEEDS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let source = dark_corner_rgb(48, 32);
    let mut seeds = vec![encode(&source, ImageFormat::Png), encode(&source, ImageFormat::Jpeg)];
    for name in [
        "cmyk_dark_corner.jpg",
        "exif_orientation6.jpg",
        "gray16_gradient.png",
        "rgb16_gradient.png",
        "dark_corner_rgba.png",
        "gray_dark_corner.tif",
        "cmyk_dark_corner.tif",
        "cmyk_alpha.tif",
        "orientation6.tif",
        "dark_corner.bmp",
        "dark_corner.webp",
        "dark_corner_lossless.webp",
    ] {
        seeds.push(fixture(name));
    }
    seeds
});

/// A successful decode under damage must still be internally consistent.
fn check_consistent(decoded: &DecodedImage) {
    let (w, h) = decoded.gray.dimensions();
    let stored = (decoded.original_width, decoded.original_height);
    assert!((w, h) == stored || (h, w) == stored);
    assert!((1..=8).contains(&decoded.exif_orientation));
    assert_eq!(decoded.gray.as_raw().len(), w as usize * h as usize);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(decoded) = decode_default(&bytes) {
            check_consistent(&decoded);
        }
    }

    #[test]
    fn arbitrary_bytes_behind_a_real_signature_never_panic(
        magic in prop::sample::select(vec![
            &b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"[..],
            &[0xFF, 0xD8, 0xFF, 0xE0][..],
            &b"II*\x00"[..],
            &b"MM\x00*"[..],
            &b"BM"[..],
            &b"RIFF\x00\x01\x00\x00WEBPVP8 "[..],
            &b"RIFF\x00\x01\x00\x00WEBPVP8L"[..],
            &b"RIFF\x00\x01\x00\x00WEBPVP8X"[..],
        ]),
        tail in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let bytes = [magic, &tail].concat();
        if let Ok(decoded) = decode_default(&bytes) {
            check_consistent(&decoded);
        }
    }

    #[test]
    fn damaged_and_truncated_real_files_never_panic(
        seed in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..12),
        keep in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let seeds = &*SEEDS;
        let mut bytes = seeds[seed.index(seeds.len())].clone();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(keep.index(bytes.len() + 1));
        }
        if let Ok(decoded) = decode_default(&bytes) {
            check_consistent(&decoded);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The colour preview for display

#[test]
fn preview_is_upright_like_the_grey_image_which_is_unchanged() {
    let bytes = fixture("exif_orientation6.jpg");
    let (decoded, preview) = decode_with_preview(&bytes, &DecodeLimits::default(), 1600).unwrap();
    assert_eq!(decoded.gray, decode_default(&bytes).unwrap().gray);
    assert_eq!(preview.dimensions(), (20, 40));
    assert_eq!(dark_corner(&DynamicImage::ImageRgba8(preview).to_luma8()), Corner::TopRight);
}

#[test]
fn preview_is_scaled_down_to_its_longest_side_in_colour_and_never_up() {
    let red_blue = ImageBuffer::from_fn(900, 300, |x, _| image::Rgb(if x < 450 { [255, 0, 0] } else { [0, 0, 255] }));
    let bytes = encode(&DynamicImage::ImageRgb8(red_blue), ImageFormat::Png);
    let (decoded, preview) = decode_with_preview(&bytes, &DecodeLimits::default(), 300).unwrap();
    assert_eq!(decoded.gray.dimensions(), (900, 300), "the grey image keeps full resolution");
    assert_eq!(preview.dimensions(), (300, 100));
    assert_eq!(preview.get_pixel(10, 50).0, [255, 0, 0, 255]);
    assert_eq!(preview.get_pixel(290, 50).0, [0, 0, 255, 255]);
    let (_, full) = decode_with_preview(&bytes, &DecodeLimits::default(), 5000).unwrap();
    assert_eq!(full.dimensions(), (900, 300));
}

#[test]
fn preview_lays_transparency_over_white() {
    let pixels = [[0, 0, 0, 0], [0, 0, 0, 255], [0, 0, 0, 128], [200, 100, 50, 255]];
    let rgba = ImageBuffer::<Rgba<u8>, _>::from_fn(4, 1, |x, _| Rgba(pixels[x as usize]));
    let bytes = encode(&DynamicImage::ImageRgba8(rgba), ImageFormat::Png);
    let (_, preview) = decode_with_preview(&bytes, &DecodeLimits::default(), 1600).unwrap();
    let got: Vec<[u8; 4]> = preview.pixels().map(|p| p.0).collect();
    assert_eq!(got, [[255, 255, 255, 255], [0, 0, 0, 255], [127, 127, 127, 255], [200, 100, 50, 255]]);
}

#[test]
fn preview_is_decoded_under_the_same_limits_and_its_memory_counts() {
    let result = decode_with_preview(&png_claiming(50_000, 50_000), &DecodeLimits::default(), 1600);
    assert!(matches!(result, Err(DecodeError::TooManyPixels { .. })), "{:?}", result.map(|_| ()));
    // 300 x 200 RGB: 180 000 bytes decoded, 240 000 working; the preview adds 24 a pixel.
    let png = encode(&dark_corner_rgb(300, 200), ImageFormat::Png);
    let limits = DecodeLimits { max_alloc_bytes: 1_000_000, ..DecodeLimits::default() };
    assert!(decode(&png, &limits).is_ok());
    let result = decode_with_preview(&png, &limits, 1600);
    assert!(matches!(result, Err(DecodeError::OutOfMemoryLimit { .. })), "{:?}", result.map(|_| ()));
    assert!(decode_with_preview(&png, &limits, 100).is_ok(), "a smaller preview fits");
}
