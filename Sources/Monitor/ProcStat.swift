/// Why a `/proc` file could not be read or understood: which file, and what was wrong with it.
public struct ProcFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, such as `/proc/1234/stat`.
    public let path: String
    /// What was missing or malformed, such as `no ')' closing the command name`.
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}

/// The CPU figures of `/proc/<pid>/stat` or `/proc/<pid>/task/<tid>/stat`.
struct ProcStat: Equatable, Sendable {
    /// The one-letter state (field 3): `R` running, `S` sleeping, `Z` zombie, and so on.
    public let state: Character
    /// Time spent in user mode (field 14), in clock ticks.
    public let userTicks: UInt64
    /// Time spent in kernel mode (field 15), in clock ticks.
    public let systemTicks: UInt64

    public init(state: Character, userTicks: UInt64, systemTicks: UInt64) {
        self.state = state
        self.userTicks = userTicks
        self.systemTicks = systemTicks
    }

    /// Whether the process has exited and waits to be reaped (its `status` then lacks `VmRSS`).
    public var isZombie: Bool { state == "Z" }
}

/// The I/O counters of `/proc/<pid>/io`, in bytes.
struct ProcIO: Equatable, Sendable {
    /// Bytes the process caused to be fetched from storage (`read_bytes`).
    public let readBytes: UInt64
    /// Bytes the process caused to be sent to storage (`write_bytes`); 0 on file systems such as tmpfs.
    public let writeBytes: UInt64
    /// Bytes passed to `read` and similar calls, cached or not (`rchar`).
    public let readCharacterBytes: UInt64
    /// Bytes passed to `write` and similar calls, cached or not (`wchar`).
    public let writtenCharacterBytes: UInt64

    public init(readBytes: UInt64, writeBytes: UInt64, readCharacterBytes: UInt64, writtenCharacterBytes: UInt64) {
        self.readBytes = readBytes
        self.writeBytes = writeBytes
        self.readCharacterBytes = readCharacterBytes
        self.writtenCharacterBytes = writtenCharacterBytes
    }
}

/// Pure parsers for the `/proc` files the monitor reads; they never trap on odd input.
///
/// Each parser works on the raw bytes of one read (the sampler's reusable buffer) and has a `String`
/// overload for tests. Errors name the file (`path`) and what was missing.
enum ProcParser {
    /// The CPU figures of a `stat` file. The command name (field 2) may hold spaces and parentheses,
    /// so the fields are counted from the last `)` in the file.
    public static func parseStat(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> ProcStat {
        guard let closing = bytes.lastIndex(of: UInt8(ascii: ")")) else {
            throw ProcFileError(path: path, problem: "no ')' closing the command name")
        }
        // Fields after the command name, starting with field 3 (state). utime is field 14, stime 15.
        var scanner = ByteScanner(bytes: bytes, position: closing + 1)
        let stateIndex = 0, userIndex = 14 - 3, systemIndex = 15 - 3
        var state: Character?
        var userTicks: UInt64?
        var systemTicks: UInt64?
        var fieldIndex = 0
        while fieldIndex <= systemIndex, let field = scanner.nextField() {
            switch fieldIndex {
            case stateIndex:
                guard field.count == 1 else {
                    throw ProcFileError(path: path, problem: "field 3 (state) is not one letter")
                }
                state = Character(Unicode.Scalar(bytes[field.lowerBound]))
            case userIndex:
                userTicks = try decimal(bytes, field, path: path, name: "field 14 (utime)")
            case systemIndex:
                systemTicks = try decimal(bytes, field, path: path, name: "field 15 (stime)")
            default:
                break
            }
            fieldIndex += 1
        }
        guard let state else { throw ProcFileError(path: path, problem: "field 3 (state) is missing") }
        guard let userTicks else { throw ProcFileError(path: path, problem: "field 14 (utime) is missing") }
        guard let systemTicks else { throw ProcFileError(path: path, problem: "field 15 (stime) is missing") }
        return ProcStat(state: state, userTicks: userTicks, systemTicks: systemTicks)
    }

    /// The resident set size of a `status` file (`VmRSS`, given in kB), in bytes.
    public static func parseResidentBytes(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> UInt64 {
        guard let value = lineValue(bytes, key: "VmRSS") else {
            throw ProcFileError(path: path, problem: "no VmRSS line (a kernel thread or an exited process?)")
        }
        var scanner = ByteScanner(bytes: bytes, position: value.lowerBound, end: value.upperBound)
        guard let number = scanner.nextField() else {
            throw ProcFileError(path: path, problem: "VmRSS has no value")
        }
        let kibibytes = try decimal(bytes, number, path: path, name: "VmRSS")
        guard let unit = scanner.nextField(), equals(bytes, unit, "kB") else {
            throw ProcFileError(path: path, problem: "VmRSS is not given in kB")
        }
        let (residentBytes, overflow) = kibibytes.multipliedReportingOverflow(by: 1024)
        guard !overflow else { throw ProcFileError(path: path, problem: "VmRSS overflows 64 bits") }
        return residentBytes
    }

    /// The byte counters of an `io` file: `read_bytes`, `write_bytes`, `rchar` and `wchar`.
    public static func parseIO(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> ProcIO {
        let keys = ["read_bytes", "write_bytes", "rchar", "wchar"]
        var values: [UInt64] = []
        var missing: [String] = []
        for key in keys {
            guard let range = lineValue(bytes, key: key) else {
                missing.append(key)
                continue
            }
            var scanner = ByteScanner(bytes: bytes, position: range.lowerBound, end: range.upperBound)
            guard let number = scanner.nextField() else {
                throw ProcFileError(path: path, problem: "\(key) has no value")
            }
            values.append(try decimal(bytes, number, path: path, name: key))
        }
        guard missing.isEmpty else {
            throw ProcFileError(path: path, problem: "missing \(missing.joined(separator: ", "))")
        }
        return ProcIO(readBytes: values[0], writeBytes: values[1], readCharacterBytes: values[2], writtenCharacterBytes: values[3])
    }

    /// The first field of a `schedstat` file: nanoseconds the task has run on a CPU, exact where
    /// `stat`'s user and system times are whole clock ticks (usually 10 ms).
    public static func parseScheduledNanoseconds(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> UInt64 {
        var scanner = ByteScanner(bytes: bytes, position: 0, end: bytes.count)
        guard let field = scanner.nextField() else { throw ProcFileError(path: path, problem: "empty") }
        return try decimal(bytes, field, path: path, name: "run time")
    }

    /// ``parseScheduledNanoseconds(_:path:)`` on text.
    public static func parseScheduledNanoseconds(_ text: String, path: String) throws -> UInt64 {
        try withBytes(text) { try parseScheduledNanoseconds($0, path: path) }
    }

    /// ``parseStat(_:path:)`` on text.
    public static func parseStat(_ text: String, path: String) throws -> ProcStat {
        try withBytes(text) { try parseStat($0, path: path) }
    }

    /// ``parseResidentBytes(_:path:)`` on text.
    public static func parseResidentBytes(_ text: String, path: String) throws -> UInt64 {
        try withBytes(text) { try parseResidentBytes($0, path: path) }
    }

    /// ``parseIO(_:path:)`` on text.
    public static func parseIO(_ text: String, path: String) throws -> ProcIO {
        try withBytes(text) { try parseIO($0, path: path) }
    }

    // MARK: Helpers

    private static func withBytes<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) throws -> Result {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { try body($0) }
    }

    /// The range after `key:` on the line that starts with `key:`, up to the end of that line; nil if
    /// no line starts with it.
    private static func lineValue(_ bytes: UnsafeBufferPointer<UInt8>, key: String) -> Range<Int>? {
        let keyBytes = Array(key.utf8) + [UInt8(ascii: ":")]
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            if lineEnd - lineStart >= keyBytes.count,
               keyBytes.indices.allSatisfy({ bytes[lineStart + $0] == keyBytes[$0] }) {
                return (lineStart + keyBytes.count)..<lineEnd
            }
            lineStart = lineEnd + 1
        }
        return nil
    }

    /// The unsigned decimal number in `field`; throws naming `name` if it is not one or overflows.
    private static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>, path: String, name: String) throws -> UInt64 {
        guard !field.isEmpty else { throw ProcFileError(path: path, problem: "\(name) is empty") }
        var value: UInt64 = 0
        for index in field {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw ProcFileError(path: path, problem: "\(name) is not an unsigned decimal number")
            }
            let (shifted, overflowMultiply) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowAdd) = shifted.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflowMultiply, !overflowAdd else {
                throw ProcFileError(path: path, problem: "\(name) overflows 64 bits")
            }
            value = sum
        }
        return value
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>, _ text: String) -> Bool {
        field.count == text.utf8.count && zip(field, text.utf8).allSatisfy { bytes[$0] == $1 }
    }
}

/// Splits bytes into fields separated by spaces, tabs or line ends.
private struct ByteScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int

    init(bytes: UnsafeBufferPointer<UInt8>, position: Int, end: Int? = nil) {
        self.bytes = bytes
        self.position = position
        self.end = min(end ?? bytes.count, bytes.count)
    }

    /// The next field's range, or nil at the end.
    mutating func nextField() -> Range<Int>? {
        while position < end, Self.isSeparator(bytes[position]) { position += 1 }
        guard position < end else { return nil }
        let start = position
        while position < end, !Self.isSeparator(bytes[position]) { position += 1 }
        return start..<position
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == 0
    }
}
