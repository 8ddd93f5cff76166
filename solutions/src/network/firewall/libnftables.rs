// [ch09 file]
//! nftables's own library, which the `nft` program is a thin shell around: the same parser
//! turns the same text into the same netlink transaction, here in minidock's own process.
//!
//! ```text
//!   nft -f -            fork, exec, a dozen shared libraries linked,    ~3 ms
//!                       the text parsed, one transaction
//!   libnftables         loaded once per process (~0.4 ms), then for    ~0.1-0.6 ms
//!                       each input: the text parsed, one transaction
//! ```
//!
//! A published port is one rule added as its container starts, and the start waits for it:
//! the process was most of what a port cost. The library is loaded when it is first needed
//! (dlopen(3)), not linked at build time: a host without it still builds and runs minidock, and
//! the `nft` program does the work there.

use std::ffi::{c_char, c_int, c_uint, c_void, CStr, CString};
use std::sync::OnceLock;

/// The functions of libnftables's interface (libnftables(3)) that minidock calls.
struct Library {
    ctx_new: CtxNew,
    ctx_free: WithCtx,
    buffer_output: Flag,
    buffer_error: Flag,
    error_buffer: Buffer,
    run: Run,
}

/// `struct nft_ctx *nft_ctx_new(uint32_t flags)`
type CtxNew = unsafe extern "C" fn(c_uint) -> *mut c_void;
/// `void nft_ctx_free(struct nft_ctx *ctx)`
type WithCtx = unsafe extern "C" fn(*mut c_void);
/// `int nft_ctx_buffer_output(struct nft_ctx *ctx)`, and `..._error`
type Flag = unsafe extern "C" fn(*mut c_void) -> c_int;
/// `const char *nft_ctx_get_error_buffer(struct nft_ctx *ctx)`
type Buffer = unsafe extern "C" fn(*mut c_void) -> *const c_char;
/// `int nft_run_cmd_from_buffer(struct nft_ctx *nft, const char *buf)`
type Run = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;

/// The library's name with its ABI version: the same since nftables 0.9.
const NAME: &CStr = c"libnftables.so.1";

/// `NFT_CTX_DEFAULT`: a context as `nft` makes it.
const CTX_DEFAULT: c_uint = 0;

static LOADED: OnceLock<Option<Library>> = OnceLock::new();

/// The library, loaded by the first call in this process; `None` where it is not installed.
fn library() -> Option<&'static Library> {
    LOADED.get_or_init(load).as_ref()
}

fn load() -> Option<Library> {
    // SAFETY: dlopen(3) with a constant name; the handle is never closed, so every function
    // found in it stays valid for the life of the process.
    let handle = unsafe { libc::dlopen(NAME.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
    if handle.is_null() {
        return None;
    }
    let find = |name: &CStr| {
        // SAFETY: dlsym(3) on a handle that is open for good.
        let symbol = unsafe { libc::dlsym(handle, name.as_ptr()) };
        (!symbol.is_null()).then_some(symbol)
    };
    // SAFETY: each symbol is the function libnftables(3) declares, with that signature.
    unsafe {
        Some(Library {
            ctx_new: std::mem::transmute::<*mut c_void, CtxNew>(find(c"nft_ctx_new")?),
            ctx_free: std::mem::transmute::<*mut c_void, WithCtx>(find(c"nft_ctx_free")?),
            buffer_output: std::mem::transmute::<*mut c_void, Flag>(find(
                c"nft_ctx_buffer_output",
            )?),
            buffer_error: std::mem::transmute::<*mut c_void, Flag>(find(c"nft_ctx_buffer_error")?),
            error_buffer: std::mem::transmute::<*mut c_void, Buffer>(find(
                c"nft_ctx_get_error_buffer",
            )?),
            run: std::mem::transmute::<*mut c_void, Run>(find(c"nft_run_cmd_from_buffer")?),
        })
    }
}

/// Whether this process can apply nftables input itself.
pub fn available() -> bool {
    library().is_some()
}

/// Applies `input`, the text `nft -f -` would read, as one transaction: `Ok` if the kernel took
/// it all, or what `nft` would have printed on its standard error.
pub fn apply(input: &str) -> Result<(), String> {
    let Some(library) = library() else {
        return Err(format!("{} is not installed", NAME.to_string_lossy()));
    };
    let Ok(text) = CString::new(input) else {
        return Err("the rules hold a NUL byte".into());
    };
    // SAFETY: a context made here, used by this thread alone and freed before returning; the
    // error text is copied out before the context (which owns it) goes.
    unsafe {
        let ctx = (library.ctx_new)(CTX_DEFAULT);
        if ctx.is_null() {
            return Err("nft_ctx_new: no context".into());
        }
        // What `nft` would print: kept in the context, not written on minidock's streams.
        (library.buffer_output)(ctx);
        (library.buffer_error)(ctx);
        let status = (library.run)(ctx, text.as_ptr());
        let error = (library.error_buffer)(ctx);
        let error = if error.is_null() {
            String::new()
        } else {
            CStr::from_ptr(error).to_string_lossy().into_owned()
        };
        (library.ctx_free)(ctx);
        if status == 0 {
            Ok(())
        } else {
            Err(error)
        }
    }
}
