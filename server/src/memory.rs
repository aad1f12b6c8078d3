//! The allocator: mimalloc instead of glibc's malloc, for every binary that links the server
//! (the server, its tests and the load tools).
//!
//! With glibc's malloc the calendar week with 200 appointments spent about 30 % of the server's
//! time in malloc and free (arena locks shared by the runtime's and the SQLite connections'
//! threads, consolidation of freed chunks); with mimalloc the same binary answered 1.8× the
//! requests (BENCHMARKS.md, issue 24). mimalloc also returns freed large blocks — argon2's
//! 19 MiB per login — to the operating system by itself, which glibc needed a fixed mmap
//! threshold (`mallopt`, the workspace's one `unsafe` block until then) for.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
