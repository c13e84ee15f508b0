internal import NIOCore

/// Splits a connection's bytes into frame bodies, refusing a length over the limit before reading it.
///
/// Each body is passed on as a slice of the read buffer, without a copy. A length prefix over
/// `maximumFrameBytes`, a body too short for its version and kind, or bytes left over when the
/// connection ends are errors, which the connection handler turns into a refusal.
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// The largest body accepted, in bytes.
    let maximumFrameBytes: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else {
            return .needMoreData
        }
        guard UInt64(length) <= UInt64(maximumFrameBytes) else {
            throw MalformedFrame("frame length \(length) over the limit of \(maximumFrameBytes) bytes")
        }
        guard Int(length) >= WireFormat.bodyHeaderBytes else {
            throw MalformedFrame("frame length \(length) too short for a version and a kind")
        }
        guard buffer.readableBytes >= WireFormat.lengthPrefixBytes + Int(length) else {
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: WireFormat.lengthPrefixBytes)
        let body = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(Self.wrapInboundOut(body))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            let leftover = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: leftover)
            throw MalformedFrame("connection ended inside a frame (\(leftover) bytes of a truncated frame)")
        }
        return .needMoreData
    }
}
