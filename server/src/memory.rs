//! Makes the allocator give freed password-hashing buffers back to the operating system.
//!
//! Each argon2 run allocates one 19 MiB block. glibc serves allocations above its mmap
//! threshold with `mmap` and unmaps them on free — but it raises that threshold dynamically
//! to the size of the largest freed block, so after the first hash the 19 MiB blocks come from
//! the heap arenas and stay there (measured: 363 MB resident long after a login burst). A fixed
//! threshold switches the dynamic adjustment off; few arenas keep the rest of the heap compact.

/// Allocations from this size on are mapped and unmapped individually.
const MMAP_THRESHOLD: i32 = 1 << 20;
/// At most this many malloc arenas (glibc's default is 8 per core).
const ARENA_MAX: i32 = 4;

/// Sets the allocator options; call once at start-up, before the load begins.
pub fn return_large_buffers_to_the_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)] // the workspace's one exception: a C call with no pointers
    // SAFETY: mallopt only changes glibc's allocator parameters; it is called before the
    // server handles requests and takes no pointers.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_ARENA_MAX, ARENA_MAX);
    }
}
