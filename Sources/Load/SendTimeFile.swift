import Foundation
public import BenchmarkSpec

/// Reads and writes files of send times in vernier's CSV of seconds and Caliper's three formats
/// (`TEXT`, `BIN_BE`, `BIN_LE` in whole milliseconds), each time since the round's start.
public enum SendTimeFile {
    /// The most times a file may hold (a bound on what a replay keeps in memory).
    public static let maximumTimes = 50_000_000

    /// The times in `bytes`, in nanoseconds, checked never to decrease; `path` names the file in errors.
    public static func decode(_ bytes: [UInt8], format: SendTimeFormat, path: String) throws(ScheduleError) -> [UInt64] {
        let times: [UInt64]
        switch format {
        case .secondsCSV: times = try decodeText(bytes, path: path, unitNanoseconds: nil)
        case .millisecondsText: times = try decodeText(bytes, path: path, unitNanoseconds: 1_000_000)
        case .millisecondsBinaryBigEndian: times = try decodeBinary(bytes, bigEndian: true, path: path)
        case .millisecondsBinaryLittleEndian: times = try decodeBinary(bytes, bigEndian: false, path: path)
        }
        if let position = times.indices.dropFirst().first(where: { times[$0] < times[$0 - 1] }) {
            throw .notInOrder(path: path, line: position + 1)
        }
        return times
    }

    /// Writes `nanoseconds` to `path` in `format`, replacing the file.
    public static func write(_ nanoseconds: [UInt64], format: SendTimeFormat, to path: String) throws(ScheduleError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(encode(nanoseconds, format: format))) else {
            throw .unwritable(path: path, reason: "the file could not be created (does its directory exist and may it be written?)")
        }
    }

    /// `nanoseconds` as a file of `format` (Caliper's formats round down to whole milliseconds).
    public static func encode(_ nanoseconds: [UInt64], format: SendTimeFormat) -> [UInt8] {
        let milliseconds = nanoseconds.map { UInt32(clamping: $0 / 1_000_000) }
        switch format {
        case .secondsCSV:
            return Array(("seconds\n" + nanoseconds.map { String(format: "%.6f\n", Double($0) / 1e9) }.joined()).utf8)
        case .millisecondsText:
            return Array(milliseconds.map { "\($0)\n" }.joined().utf8)
        case .millisecondsBinaryBigEndian, .millisecondsBinaryLittleEndian:
            var bytes: [UInt8] = []
            bytes.reserveCapacity(4 * (milliseconds.count + 1))
            for value in [UInt32(clamping: milliseconds.count)] + milliseconds {
                let ordered = format == .millisecondsBinaryBigEndian ? value.bigEndian : value.littleEndian
                withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
            }
            return bytes
        }
    }

    /// One time per line: seconds in the first CSV column (`unitNanoseconds` nil; a first line
    /// that is not a number is a header), or whole milliseconds.
    private static func decodeText(_ bytes: [UInt8], path: String, unitNanoseconds: UInt64?) throws(ScheduleError) -> [UInt64] {
        guard let text = String(bytes: bytes, encoding: .utf8) else { throw .unreadable(path: path) }
        var times: [UInt64] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let field = line.split(separator: ",", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if field.isEmpty { continue }
            guard times.count < maximumTimes else { throw .tooLong(path: path, limit: maximumTimes) }
            if let unitNanoseconds {
                guard let milliseconds = UInt64(field), milliseconds <= UInt64.max / unitNanoseconds else {
                    throw .badLine(path: path, line: number + 1, text: String(line), expected: "a whole number of milliseconds")
                }
                times.append(milliseconds * unitNanoseconds)
            } else {
                guard let seconds = Double(field), seconds.isFinite, seconds >= 0 else {
                    if number == 0 { continue }
                    throw .badLine(path: path, line: number + 1, text: String(line), expected: "a time in seconds")
                }
                times.append(Schedules.nanoseconds(seconds: seconds))
            }
        }
        return times
    }

    /// A 32-bit count, then that many 32-bit milliseconds.
    private static func decodeBinary(_ bytes: [UInt8], bigEndian: Bool, path: String) throws(ScheduleError) -> [UInt64] {
        func word(at offset: Int) -> UInt32 {
            let value = bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return bigEndian ? value : value.byteSwapped
        }
        guard bytes.count >= 4 else { throw .badBinary(path: path, reason: "shorter than its 4-byte count") }
        let count = Int(word(at: 0))
        guard count <= maximumTimes else { throw .tooLong(path: path, limit: maximumTimes) }
        guard bytes.count == 4 * (count + 1) else {
            throw .badBinary(path: path, reason: "its count says \(count) times (\(4 * (count + 1)) bytes), the file has \(bytes.count) bytes")
        }
        return (0..<count).map { UInt64(word(at: 4 * ($0 + 1))) * 1_000_000 }
    }
}
