import Foundation

/// The whole machine's CPU time from Linux's `/proc/stat`, so a probe can tell its own process's
/// CPU from other processes' on a shared machine.
public enum MachineCPUActivity {
    /// Busy and total CPU time of all cores, in clock ticks.
    public struct Reading: Sendable, Hashable {
        public var busyTicks: UInt64
        public var totalTicks: UInt64
    }

    /// The machine's counters now; nil off Linux.
    public static func read() -> Reading? {
        (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)).flatMap(parse(procStat:))
    }

    /// The aggregate `cpu` line of `/proc/stat`: idle and iowait are not busy; guest time is
    /// already counted in user time.
    static func parse(procStat text: String) -> Reading? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard fields.count >= 4 else { return nil }
        let counted = Array(fields.prefix(8))
        let total = counted.reduce(0, +)
        let idle = counted[3] + (counted.count > 4 ? counted[4] : 0)
        return Reading(busyTicks: total - idle, totalTicks: total)
    }

    /// The machine's CPU between two readings, in % of one core (100 × cores when all are busy).
    public static func percent(from start: Reading, to end: Reading, cores: Int) -> Double? {
        guard end.totalTicks > start.totalTicks, end.busyTicks >= start.busyTicks else { return nil }
        return Double(end.busyTicks - start.busyTicks) / Double(end.totalTicks - start.totalTicks) * Double(cores) * 100
    }
}
