import Testing
@testable import Transport

/// Encodes `value` as four little-endian bytes, so a test can number its frames.
func frameBytes(_ value: Int) -> [UInt8] {
    withUnsafeBytes(of: UInt32(value).littleEndian) { Array($0) }
}

/// The number a frame made by ``frameBytes(_:)`` carries.
func frameNumber(_ bytes: [UInt8]) -> Int {
    bytes.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
}

/// Reads the next `count` frames from `inbox`, failing the test if the inbox finishes first.
func receive(_ count: Int, from inbox: AsyncStream<InboundFrame>) async -> [InboundFrame] {
    var frames: [InboundFrame] = []
    for await frame in inbox {
        frames.append(frame)
        if frames.count == count { break }
    }
    #expect(frames.count == count, "the inbox finished after \(frames.count) of \(count) frames")
    return frames
}

/// Polls `condition` every 10 ms until it holds or `limit` passes; returns whether it held.
func eventually(within limit: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
