import FuzzSupport
@testable import NetworkTransport
import NIOCore
import NIOEmbedded

/// Collects what the frame decoder passes on: whole bodies, and the errors it raises.
final class DecoderOutput: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    var bodies: [[UInt8]] = []
    var errors: [any Error] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var body = Self.unwrapInboundIn(data)
        bodies.append(body.readBytes(length: body.readableBytes) ?? [])
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        errors.append(error)
    }
}

/// What a correct decoder makes of `stream`: the bodies of its whole frames, and whether the stream
/// ends cleanly (true) or with a length out of bounds or a truncated frame (false).
func expectedFrames(_ stream: [UInt8], maximumFrameBytes: Int) -> (bodies: [[UInt8]], clean: Bool) {
    var bodies: [[UInt8]] = []
    var offset = 0
    while offset < stream.count {
        guard stream.count - offset >= 4 else { return (bodies, false) }
        let length = stream[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        guard length <= maximumFrameBytes, length >= 2 else { return (bodies, false) }
        guard stream.count - offset - 4 >= length else { return (bodies, false) }
        bodies.append(Array(stream[offset + 4..<offset + 4 + length]))
        offset += 4 + length
    }
    return (bodies, true)
}

/// Fuzzes the length-prefixed frame decoder of the TCP transport, fed through NIO as a connection
/// would feed it, in reads of fuzzed sizes, then closed.
///
/// Input: a byte for the frame size limit, a byte for the read size, then the connection's bytes.
/// The decoder must pass on exactly the bodies of the whole frames before the first bad length, and
/// report a `MalformedFrame` exactly when the stream does not end cleanly.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var script = FuzzScript(fuzzInput(start, count))
    let maximumFrameBytes = 2 + Int(script.byte()) * 8
    let readSize = 1 + Int(script.byte())
    let stream = script.rest()

    let output = DecoderOutput()
    let channel = EmbeddedChannel()
    do {
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameBytes: maximumFrameBytes)))
        try channel.pipeline.syncOperations.addHandler(output)
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + readSize)
            try channel.writeInbound(channel.allocator.buffer(bytes: stream[offset..<end]))
            offset = end
        }
        _ = try channel.finish()
    } catch {
        expect(false, "the embedded channel failed: \(error)")
    }

    let expected = expectedFrames(stream, maximumFrameBytes: maximumFrameBytes)
    expect(output.bodies == expected.bodies, "decoded \(output.bodies.count) bodies, expected \(expected.bodies.count)")
    expect(output.errors.isEmpty == expected.clean, "clean stream: \(expected.clean), errors: \(output.errors)")
    if let first = output.errors.first {
        expect(first is MalformedFrame, "the first decoding error is \(type(of: first)), not MalformedFrame: \(first)")
    }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this target.
@_cdecl("fuzz_frame_decoder_main")
public func fuzzTargetMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzFrameDecoder)
}
