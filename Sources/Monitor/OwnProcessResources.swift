#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// One process's cumulative resource counters at one instant, as the process read them itself.
///
/// What a node process reports to its driver with its status: the driver subtracts two readings,
/// and divides the CPU time by the difference of the two ``monotonicNanoseconds``, the node's own
/// clock, so that the figures do not depend on the network between them.
public struct ProcessResourceReading: Equatable, Hashable, Sendable {
    /// When the CPU figure was read, on the reading process's monotonic clock (`CLOCK_MONOTONIC`), in nanoseconds.
    public var monotonicNanoseconds: UInt64
    /// CPU time used so far, user plus system (`/proc/self/stat`, clock-tick resolution, usually
    /// 10 ms), in nanoseconds.
    public var cpuNanoseconds: UInt64
    /// Resident memory (`VmRSS` of `/proc/self/status`), in bytes.
    public var residentBytes: UInt64
    /// Bytes the process caused to be fetched from storage so far (`read_bytes` of `/proc/self/io`).
    public var diskReadBytes: UInt64
    /// Bytes the process caused to be sent to storage so far (`write_bytes` of `/proc/self/io`).
    public var diskWrittenBytes: UInt64

    public init(monotonicNanoseconds: UInt64, cpuNanoseconds: UInt64, residentBytes: UInt64,
                diskReadBytes: UInt64, diskWrittenBytes: UInt64) {
        self.monotonicNanoseconds = monotonicNanoseconds
        self.cpuNanoseconds = cpuNanoseconds
        self.residentBytes = residentBytes
        self.diskReadBytes = diskReadBytes
        self.diskWrittenBytes = diskWrittenBytes
    }
}

/// Reads this process's own CPU time, resident memory and disk bytes from `/proc/self`, with the
/// same parsers and files as the driver's monitor reads for a child process.
///
/// A node process holds one and reads it whenever its driver asks for its status. Safe to share:
/// readings take turns on one buffer.
public final class OwnProcessResources: Sendable {
    private let reader: Mutex<ProcFileReader>
    private let nanosecondsPerTick: UInt64

    /// A reader of `/proc/self`; it reads nothing until ``read()``.
    public init() {
        reader = Mutex(ProcFileReader())
        let ticksPerSecond = sysconf(Int32(_SC_CLK_TCK))
        nanosecondsPerTick = 1_000_000_000 / UInt64(ticksPerSecond > 0 ? ticksPerSecond : 100)
    }

    /// This process's counters now; throws naming the file that could not be read or understood.
    public func read() throws(ProcFileError) -> ProcessResourceReading {
        let nanosecondsPerTick = nanosecondsPerTick
        let result: Result<ProcessResourceReading, ProcFileError> = reader.withLock { reader in
            let statPath = "/proc/self/stat", statusPath = "/proc/self/status", ioPath = "/proc/self/io"
            var path = statPath
            do {
                let stat = try reader.readFile(statPath) { try ProcParser.parseStat($0, path: statPath) }
                let time = ResourceSampler.monotonicNanoseconds()
                path = statusPath
                let residentBytes = try reader.readFile(statusPath) { try ProcParser.parseResidentBytes($0, path: statusPath) }
                path = ioPath
                let io = try reader.readFile(ioPath) { try ProcParser.parseIO($0, path: ioPath) }
                return .success(ProcessResourceReading(
                    monotonicNanoseconds: time, cpuNanoseconds: (stat.userTicks &+ stat.systemTicks) &* nanosecondsPerTick,
                    residentBytes: residentBytes, diskReadBytes: io.readBytes, diskWrittenBytes: io.writeBytes))
            } catch {
                return .failure(ProcFileReader.procFileError(error, path: path))
            }
        }
        return try result.get()
    }
}
