import Foundation
public import LedgerPrimitives
import Synchronization

/// The ids of every transaction the driver saw committed on one federation, kept in a file so
/// that the lost-commit check covers a run of any length in the same memory.
///
/// Ids are appended as 32 raw bytes each through a bounded buffer (`bufferedIds`); `chunks(of:)`
/// reads them back in order. The file is the caller's to place and remove (a federation's data
/// directory, removed with it).
public final class AcknowledgedLog: Sendable {
    /// The file the ids go to.
    public let path: String
    /// Ids held in memory before they are written out.
    public static let bufferedIds = 2_048
    /// Bytes of one id in the file.
    static let idBytes = 32
    private let state: Mutex<State>

    private struct State {
        var handle: FileHandle?
        var buffer: [UInt8] = []
        var count = 0
        /// The first write error, after which the log keeps counting but the check cannot pass.
        var failure: String?
    }

    /// Creates (or empties) the file at `path`.
    public init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw AcknowledgedLogError(path: path, reason: "the file cannot be created")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        self.path = path
        var initial = State(handle: handle)
        initial.buffer.reserveCapacity(Self.bufferedIds * Self.idBytes)
        state = Mutex(initial)
    }

    deinit {
        state.withLock { state in try? state.handle?.close() }
    }

    /// How many ids were appended.
    public var count: Int { state.withLock { $0.count } }

    /// Why the file could not be written, if it could not.
    public var failure: String? { state.withLock { $0.failure } }

    /// Appends ids in order.
    public func append<Ids: Sequence>(contentsOf ids: Ids) where Ids.Element == Hash256 {
        state.withLock { state in
            for id in ids {
                id.appendBytes(to: &state.buffer)
                state.count += 1
                if state.buffer.count >= Self.bufferedIds * Self.idBytes { Self.flush(&state, path: path) }
            }
        }
    }

    /// Appends one id.
    public func append(_ id: Hash256) { append(contentsOf: CollectionOfOne(id)) }

    /// Writes what is buffered to the file.
    public func flush() { state.withLock { Self.flush(&$0, path: path) } }

    private static func flush(_ state: inout State, path: String) {
        defer { state.buffer.removeAll(keepingCapacity: true) }
        guard !state.buffer.isEmpty, state.failure == nil, let handle = state.handle else { return }
        do {
            try handle.write(contentsOf: state.buffer)
        } catch {
            state.failure = "writing \(path): \(error)"
        }
    }

    /// Calls `body` with the ids in order, `size` at a time (the last chunk may be shorter);
    /// stops at the first error `body` throws.
    public func chunks(of size: Int, _ body: ([Hash256]) async throws -> Void) async throws {
        precondition(size > 0, "a chunk holds at least one id")
        flush()
        if let failure { throw AcknowledgedLogError(path: path, reason: failure) }
        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? reader.close() }
        while true {
            let data = try reader.read(upToCount: size * Self.idBytes) ?? Data()
            guard !data.isEmpty else { return }
            guard data.count % Self.idBytes == 0 else {
                throw AcknowledgedLogError(path: path, reason: "the file ends inside an id (\(data.count) bytes)")
            }
            let bytes = [UInt8](data)
            let ids = stride(from: 0, to: bytes.count, by: Self.idBytes).compactMap { start in
                Hash256(bytes: bytes[start..<start + Self.idBytes])
            }
            try await body(ids)
        }
    }
}

/// Why the acknowledged ids could not be kept or read back.
public struct AcknowledgedLogError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "acknowledged ids at \(path): \(reason)" }
}
