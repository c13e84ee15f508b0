public import LedgerPrimitives

/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`, copied into an array.
public func fuzzInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let start, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: start, count: count))
}

/// Stops the fuzzer with `message` when a property of the code under test does not hold.
///
/// A trap is what libFuzzer records as a crash, with the input that caused it.
public func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        fatalError("fuzz property violated: \(message())")
    }
}

/// Decodes `bytes` as a `Value`; when that succeeds, checks the canonical codec's contract: the value
/// encodes to exactly the bytes it was read from, and those bytes decode to an equal value.
///
/// Returns the decoded value, or nil when the bytes were rejected (which is always allowed).
@discardableResult
public func checkCanonicalRoundTrip<Value: CanonicalCodable & Equatable>(_: Value.Type, _ bytes: [UInt8]) -> Value? {
    let value: Value
    do {
        value = try Value(canonicalBytes: bytes)
    } catch {
        return nil
    }
    let encoded = value.canonicalBytes
    expect(encoded == bytes, "\(Value.self) re-encodes to \(encoded.count) other bytes than the \(bytes.count) it was decoded from")
    do {
        let again = try Value(canonicalBytes: encoded)
        expect(again == value, "\(Value.self) decodes from its own encoding to a different value")
    } catch {
        expect(false, "\(Value.self) cannot decode its own encoding: \(error)")
    }
    return value
}

/// Reads an input as a sequence of small choices, for targets whose input is a script rather than
/// one encoded value.
public struct FuzzScript {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether any byte is left.
    public var isAtEnd: Bool { offset >= bytes.count }

    /// The next byte, or 0 past the end.
    public mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Up to `count` next bytes (fewer at the end).
    public mutating func bytes(_ count: Int) -> [UInt8] {
        let end = min(bytes.count, offset + max(0, count))
        defer { offset = end }
        return Array(bytes[offset..<end])
    }

    /// Exactly `count` next bytes, padded with zeros past the end.
    public mutating func paddedBytes(_ count: Int) -> [UInt8] {
        let taken = bytes(count)
        return taken + [UInt8](repeating: 0, count: count - taken.count)
    }

    /// Every byte left.
    public mutating func rest() -> [UInt8] {
        bytes(bytes.count - offset)
    }
}

/// A fuzz target's check of one input, as libFuzzer calls it.
public typealias FuzzTestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// libFuzzer's driver, which parses libFuzzer's command-line flags and runs the fuzzing loop.
@_silgen_name("LLVMFuzzerRunDriver")
func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: FuzzTestOneInput
) -> CInt

/// Runs libFuzzer on `testOneInput` with the process's arguments; what a fuzz target's entry point does.
///
/// SwiftPM links an executable target's `main` to the function `<module>_main`, so each target
/// defines that function and calls this; libFuzzer's own `main` is then never linked in.
public func runLibFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, _ testOneInput: FuzzTestOneInput
) -> CInt {
    var argumentCount = argc
    var arguments = argv
    return llvmFuzzerRunDriver(&argumentCount, &arguments, testOneInput)
}
