//! A minimal safe wrapper over libass (the renderer FFmpeg's `ass` filter uses): load an
//! `.ass` file, render the subtitle images of one instant at the output's size. Blending them
//! onto frames is `burn.rs`'s job. Only the handful of libass calls we need are declared here;
//! their ABI has been stable since libass 0.10. Each library handle gets the bundled caption
//! fonts ([`fonts`]) from memory; fontconfig finds everything else.

mod fonts;

use super::error::ExportError;
use std::ffi::{c_char, c_int, c_longlong, c_void, CStr, CString};
use std::path::Path;

/// libass's `ASS_Image`: one single-colour coverage bitmap placed in the frame.
#[repr(C)]
struct RawImage {
    w: c_int,
    h: c_int,
    stride: c_int,
    bitmap: *const u8,
    /// 0xRRGGBBAA; AA is transparency (0 = opaque).
    color: u32,
    dst_x: c_int,
    dst_y: c_int,
    next: *const RawImage,
    kind: c_int,
}

#[repr(C)]
struct AssLibrary {
    _private: [u8; 0],
}
#[repr(C)]
struct AssRendererRaw {
    _private: [u8; 0],
}
#[repr(C)]
struct AssTrack {
    _private: [u8; 0],
}

/// libass's bitmap cache per renderer, in MiB.
const CACHE_MB: c_int = 16;

type MessageCallback = extern "C" fn(c_int, *const c_char, *mut c_void, *mut c_void);

#[link(name = "ass")]
extern "C" {
    fn ass_library_init() -> *mut AssLibrary;
    fn ass_library_done(library: *mut AssLibrary);
    fn ass_set_message_cb(library: *mut AssLibrary, cb: MessageCallback, data: *mut c_void);
    fn ass_add_font(
        library: *mut AssLibrary,
        name: *const c_char,
        data: *const c_char,
        data_size: c_int,
    );
    fn ass_renderer_init(library: *mut AssLibrary) -> *mut AssRendererRaw;
    fn ass_renderer_done(renderer: *mut AssRendererRaw);
    fn ass_set_frame_size(renderer: *mut AssRendererRaw, w: c_int, h: c_int);
    fn ass_set_cache_limits(renderer: *mut AssRendererRaw, glyph_max: c_int, bitmap_max_mb: c_int);
    fn ass_set_fonts(
        renderer: *mut AssRendererRaw,
        default_font: *const c_char,
        default_family: *const c_char,
        font_provider: c_int,
        config: *const c_char,
        update: c_int,
    );
    fn ass_read_file(
        library: *mut AssLibrary,
        fname: *mut c_char,
        codepage: *mut c_char,
    ) -> *mut AssTrack;
    fn ass_read_memory(
        library: *mut AssLibrary,
        buf: *mut c_char,
        bufsize: usize,
        codepage: *mut c_char,
    ) -> *mut AssTrack;
    fn ass_free_track(track: *mut AssTrack);
    fn ass_render_frame(
        renderer: *mut AssRendererRaw,
        track: *mut AssTrack,
        now_ms: c_longlong,
        detect_change: *mut c_int,
    ) -> *const RawImage;
}

/// libass's "autodetect" font provider (fontconfig on Linux), as FFmpeg's filter uses.
const FONT_PROVIDER_AUTODETECT: c_int = 1;

/// Forwards libass's errors and warnings to the log (its chatty info messages are dropped).
extern "C" fn on_message(level: c_int, fmt: *const c_char, args: *mut c_void, _: *mut c_void) {
    if level > 2 || fmt.is_null() {
        return;
    }
    tracing::warn!("libass: {}", format_message(fmt, args).trim_end());
}

/// A libass message with its arguments filled in by FFmpeg's formatter (the one FFmpeg's own
/// messages take, [`crate::media::ffmpeg_log::format_line`]); else the bare format string.
fn format_message(fmt: *const c_char, args: *mut c_void) -> String {
    crate::media::ffmpeg_log::format_line(
        std::ptr::null_mut(),
        ffmpeg_next::ffi::AV_LOG_ERROR,
        fmt,
        args,
    )
    .unwrap_or_else(|| {
        // SAFETY: libass passes a NUL-terminated format string, valid for this call.
        unsafe { CStr::from_ptr(fmt) }
            .to_string_lossy()
            .into_owned()
    })
}

/// Registers the bundled caption fonts with `library` (libass copies the data), alongside
/// fontconfig's: a style naming one of their families gets it even where it is not installed.
///
/// # Safety
/// `library` must be a live handle from `ass_library_init`.
unsafe fn add_bundled_fonts(library: *mut AssLibrary) {
    for font in fonts::FONTS {
        let (Ok(size), Ok(name)) = (c_int::try_from(font.data.len()), CString::new(font.file))
        else {
            tracing::warn!("libass: bundled font {} skipped", font.file);
            continue;
        };
        // SAFETY: the caller's handle; `name` is NUL-terminated and `data` is `size` bytes,
        // both valid for the call (libass keeps copies).
        unsafe { ass_add_font(library, name.as_ptr(), font.data.as_ptr().cast(), size) };
        tracing::trace!("libass: bundled font {} ({})", font.family, font.file);
    }
}

/// One subtitle bitmap: coverage `mask` (`w`×`h`, rows `stride` apart) of one colour at
/// (`x`, `y`) in the frame.
pub struct Image<'a> {
    pub x: i32,
    pub y: i32,
    pub w: usize,
    pub h: usize,
    pub stride: usize,
    pub mask: &'a [u8],
    /// Red, green, blue.
    pub rgb: [u8; 3],
    /// 0 (invisible) – 255 (opaque), applied on top of the mask's coverage.
    pub opacity: u8,
}

/// A loaded `.ass` file and a renderer for frames of one size.
pub struct AssRenderer {
    library: *mut AssLibrary,
    renderer: *mut AssRendererRaw,
    track: *mut AssTrack,
}

// SAFETY: the library, renderer and track are owned by this value alone and libass keeps no
// thread-local state for them; moving them to another thread is fine (no sharing: not Sync).
unsafe impl Send for AssRenderer {}

impl AssRenderer {
    /// Loads `path` for frames of `width`×`height` pixels.
    pub fn open(path: &Path, width: u32, height: u32) -> Result<AssRenderer, ExportError> {
        let bad = |why: &str| ExportError::bad_settings(format!("{why}: {}", path.display()));
        if !path.is_file() {
            return Err(bad("subtitle file not found"));
        }
        let c_path = CString::new(path.as_os_str().as_encoded_bytes())
            .map_err(|_| bad("subtitle path contains a NUL byte"))?;
        // SAFETY: `library` is live for the call; the path is NUL-terminated.
        Self::with_track(width, height, |library| unsafe {
            ass_read_file(library, c_path.as_ptr().cast_mut(), std::ptr::null_mut())
        })?
        .ok_or_else(|| bad("not a readable .ass subtitle file"))
    }

    /// Loads the script `text` (what [`crate::captions::clip_ass`] writes) for frames of
    /// `width`×`height` pixels.
    pub fn from_text(text: &str, width: u32, height: u32) -> Result<AssRenderer, ExportError> {
        let mut buf = text.as_bytes().to_vec();
        // SAFETY: `library` is live for the call; libass copies the `buf.len()` bytes.
        Self::with_track(width, height, |library| unsafe {
            ass_read_memory(
                library,
                buf.as_mut_ptr().cast(),
                buf.len(),
                std::ptr::null_mut(),
            )
        })?
        .ok_or_else(|| {
            ExportError::bad_settings("the captions are not a readable .ass script".into())
        })
    }

    /// A library and renderer for `width`×`height` with the track `load` reads (`None` when
    /// it reads none).
    fn with_track(
        width: u32,
        height: u32,
        load: impl FnOnce(*mut AssLibrary) -> *mut AssTrack,
    ) -> Result<Option<AssRenderer>, ExportError> {
        // SAFETY: plain libass calls; every pointer is checked before use and owned by the
        // returned value, which frees them in Drop (also on the error paths below).
        unsafe {
            let library = ass_library_init();
            if library.is_null() {
                return Err(ExportError::setup("libass could not start".into()));
            }
            ass_set_message_cb(library, on_message, std::ptr::null_mut());
            add_bundled_fonts(library);
            let mut me = AssRenderer {
                library,
                renderer: std::ptr::null_mut(),
                track: std::ptr::null_mut(),
            };
            me.renderer = ass_renderer_init(library);
            if me.renderer.is_null() {
                return Err(ExportError::setup(
                    "libass could not start a renderer".into(),
                ));
            }
            // libass keeps up to 128 MB of bitmaps (and a composite cache beside them) per
            // renderer by default; captions move on with the clip, so old frames' bitmaps are
            // rarely drawn again. 16 MB each: an export's two workers took 170 MB more with
            // captions than without before, and the same output.
            ass_set_cache_limits(me.renderer, 1000, CACHE_MB);
            ass_set_frame_size(
                me.renderer,
                width.min(i32::MAX as u32) as c_int,
                height.min(i32::MAX as u32) as c_int,
            );
            ass_set_fonts(
                me.renderer,
                std::ptr::null(),
                std::ptr::null(),
                FONT_PROVIDER_AUTODETECT,
                std::ptr::null(),
                1,
            );
            me.track = load(library);
            Ok((!me.track.is_null()).then_some(me))
        }
    }

    /// The subtitle images at `ms` milliseconds of the clip, back to front. They borrow the
    /// renderer: libass reuses their memory on the next call.
    pub fn render(&mut self, ms: i64) -> Vec<Image<'_>> {
        let mut changed: c_int = 0;
        let mut out = Vec::new();
        // SAFETY: renderer and track are valid (Drop frees them); the image list libass
        // returns stays valid until the next render call, which needs `&mut self`.
        unsafe {
            let mut img = ass_render_frame(self.renderer, self.track, ms, &mut changed);
            while let Some(i) = img.as_ref() {
                if i.w > 0 && i.h > 0 && i.stride >= i.w && !i.bitmap.is_null() {
                    let (w, h, stride) = (i.w as usize, i.h as usize, i.stride as usize);
                    let mask = std::slice::from_raw_parts(i.bitmap, stride * (h - 1) + w);
                    let c = i.color;
                    out.push(Image {
                        x: i.dst_x,
                        y: i.dst_y,
                        w,
                        h,
                        stride,
                        mask,
                        rgb: [(c >> 24) as u8, (c >> 16) as u8, (c >> 8) as u8],
                        opacity: 255 - (c & 0xff) as u8,
                    });
                }
                img = i.next;
            }
        }
        out
    }
}

impl Drop for AssRenderer {
    fn drop(&mut self) {
        // SAFETY: each pointer was returned by libass, is freed once, in reverse order.
        unsafe {
            if !self.track.is_null() {
                ass_free_track(self.track);
            }
            if !self.renderer.is_null() {
                ass_renderer_done(self.renderer);
            }
            if !self.library.is_null() {
                ass_library_done(self.library);
            }
        }
    }
}
