import CVernierSystem

/// How the long-running commands (`run`, `capacity`, `node`) ask glibc's allocator to give memory back.
///
/// glibc raises its mmap threshold each time a large block is freed, so later large blocks (frames,
/// blocks of transactions, read-back chunks) come from the heap and stay resident after they are
/// freed: a 5-minute 1,500 tps round then grew in steps to a plateau 10.4% above its first minute.
/// A fixed threshold and a low trim threshold return them: the same round stayed within 3.7%
/// (README, "Memory on long runs").
enum AllocatorSettings {
    /// Blocks from this size up are mapped and unmapped on their own.
    static let mmapThresholdBytes: Int32 = 128 * 1024
    /// Free memory at the heap's top beyond this is returned to the system.
    static let trimThresholdBytes: Int32 = 1024 * 1024

    /// Applies the settings to this process; a no-op where the C library is not glibc.
    static func apply() {
        _ = vernier_set_allocator_thresholds(mmapThresholdBytes, trimThresholdBytes)
    }
}

/// How the long-running commands write their output: a line at a time, also into a pipe or a
/// file, so that progress and `NODE DIED` lines reach a log as they happen (glibc would otherwise
/// hold a pipe's output until 4 KiB or exit).
enum StandardOutputBuffering {
    static func lineBuffered() {
        _ = vernier_line_buffer_standard_output()
    }
}
