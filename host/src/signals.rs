//! SIGINT/SIGTERM handling without extra threads of our own: a self-pipe watched by one thread.

use std::sync::OnceLock;

static PIPE_WRITE: OnceLock<i32> = OnceLock::new();

extern "C" fn on_signal(_: libc::c_int) {
    if let Some(fd) = PIPE_WRITE.get() {
        let byte = 1u8;
        // SAFETY: write(2) is async-signal-safe; the descriptor stays open for the process.
        unsafe {
            libc::write(*fd, &byte as *const u8 as *const libc::c_void, 1);
        }
    }
}

/// Calls `handler` (on a background thread) each time SIGINT or SIGTERM arrives.
/// May be called once per process.
pub fn on_termination(mut handler: impl FnMut() + Send + 'static) -> std::io::Result<()> {
    let mut fds = [0i32; 2];
    // SAFETY: pipe(2) fills the two descriptors.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    if PIPE_WRITE.set(fds[1]).is_err() {
        return Err(std::io::Error::other("signal handling is already set up"));
    }
    // SAFETY: installing a handler that only writes to a pipe.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    let read_fd = fds[0];
    std::thread::spawn(move || loop {
        let mut byte = 0u8;
        // SAFETY: reading one byte from our own pipe.
        let n = unsafe { libc::read(read_fd, &mut byte as *mut u8 as *mut libc::c_void, 1) };
        if n <= 0 {
            break;
        }
        handler();
    });
    Ok(())
}
