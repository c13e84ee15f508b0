import FuzzSupport
import LedgerPrimitives
import Node

/// Fuzzes the node message frames nodes and the driver exchange: any bytes either fail with a
/// `CodecError` or decode to a message whose frame is exactly those bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNodeMessageCodec(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    _ = NodeMessage.isHostRequest(bytes)
    let message: NodeMessage
    do {
        message = try NodeMessage(frame: bytes)
    } catch {
        return 0
    }
    let frame = message.frame
    expect(frame == bytes, "a node message re-encodes to \(frame.count) other bytes than the \(bytes.count) it was read from")
    do {
        expect(try NodeMessage(frame: frame) == message, "a node message decodes from its own frame to another message")
    } catch {
        expect(false, "a node message cannot decode its own frame: \(error)")
    }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this target.
@_cdecl("fuzz_node_message_codec_main")
public func fuzzTargetMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzNodeMessageCodec)
}
