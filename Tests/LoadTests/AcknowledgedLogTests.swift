import Foundation
import Testing
import LedgerPrimitives
@testable import Load

/// The file of acknowledged ids that the lost-commit check reads back in chunks.
@Suite("Acknowledged ids on disk")
struct AcknowledgedLogTests {
    static func ids(_ count: Int) -> [Hash256] {
        (0..<count).map { index in Hash256.sha256(Array("id-\(index)".utf8)) }
    }

    @Test func idsComeBackInOrderAcrossBuffersAndChunks() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("acknowledged-\(UUID().uuidString).ids").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try AcknowledgedLog(path: path)
        // More than one buffer's worth, appended one by one and in runs.
        let written = Self.ids(AcknowledgedLog.bufferedIds * 2 + 77)
        log.append(contentsOf: written.prefix(1000))
        for id in written.dropFirst(1000) { log.append(id) }
        #expect(log.count == written.count)
        var read: [Hash256] = []
        var chunkSizes: [Int] = []
        try await log.chunks(of: 1_500) { chunk in
            read += chunk
            chunkSizes.append(chunk.count)
        }
        #expect(read == written)
        #expect(chunkSizes.dropLast().allSatisfy { $0 == 1_500 } && chunkSizes.last == written.count % 1_500)
        // The file holds exactly the ids: 32 bytes each.
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(size == written.count * 32)
    }

    @Test func aFileCutInsideAnIdIsAnError() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("acknowledged-\(UUID().uuidString).ids").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try AcknowledgedLog(path: path)
        log.append(contentsOf: Self.ids(3))
        log.flush()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 3 * 32 - 5)
        try handle.close()
        await #expect(throws: AcknowledgedLogError.self) {
            try await log.chunks(of: 10) { _ in }
        }
    }

    @Test func aLogThatCannotBeCreatedSaysWhere() {
        #expect(throws: AcknowledgedLogError.self) {
            _ = try AcknowledgedLog(path: "/nonexistent-directory-\(UUID().uuidString)/acknowledged.ids")
        }
    }
}
