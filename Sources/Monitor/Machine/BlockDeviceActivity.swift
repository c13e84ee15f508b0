import Foundation

/// How busy the block device under a directory is, read from Linux's `/sys/dev/block/M:m/stat`:
/// its `io_ticks` field counts the milliseconds the device had I/O in flight, so its growth over a
/// span divided by the span is the device's utilisation (iostat's `%util`).
public struct BlockDeviceActivity: Sendable {
    /// The device's name (`vda`), from `/sys/dev/block/M:m/uevent`, or `M:m`.
    public let device: String
    let statPath: String

    /// The device holding `directory`; nil off Linux, or when the directory is not on a block
    /// device (an overlay or tmpfs).
    public init?(directory: String) {
        var status = stat()
        guard stat(directory, &status) == 0 else { return nil }
        let number = UInt64(status.st_dev)
        // glibc's major() and minor().
        let major = UInt32(truncatingIfNeeded: ((number >> 8) & 0xfff) | ((number >> 32) & ~0xfff))
        let minor = UInt32(truncatingIfNeeded: (number & 0xff) | ((number >> 12) & ~0xff))
        guard major != 0 else { return nil }
        let base = "/sys/dev/block/\(major):\(minor)"
        guard FileManager.default.fileExists(atPath: base + "/stat") else { return nil }
        statPath = base + "/stat"
        let uevent = (try? String(contentsOfFile: base + "/uevent", encoding: .utf8)) ?? ""
        device = uevent.split(separator: "\n").first { $0.hasPrefix("DEVNAME=") }.map { String($0.dropFirst(8)) }
            ?? "\(major):\(minor)"
    }

    /// The device's `io_ticks` now, in milliseconds; nil if it cannot be read.
    public func busyMilliseconds() -> UInt64? {
        (try? String(contentsOfFile: statPath, encoding: .utf8)).flatMap(Self.ioTicks(statLine:))
    }

    /// The `io_ticks` field (the 10th) of a block device's stat line.
    static func ioTicks(statLine: String) -> UInt64? {
        let fields = statLine.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        guard fields.count >= 10 else { return nil }
        return UInt64(fields[9])
    }

    /// The share of `spanSeconds` the device was busy, from two `io_ticks` readings, 0...1.
    public static func busyShare(from start: UInt64, to end: UInt64, spanSeconds: Double) -> Double? {
        guard end >= start, spanSeconds > 0 else { return nil }
        return min(1, Double(end - start) / 1000 / spanSeconds)
    }
}
