import FuzzSupport
import LedgerCore
import LedgerPrimitives

/// Fuzzes the block codec: any bytes either fail with a `CodecError` or decode to a block that
/// re-encodes to the same bytes; checking the decoded body against its header never traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBlockCodec(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    guard let block = checkCanonicalRoundTrip(Block.self, bytes) else { return 0 }
    expect(block.hash == block.header.hash, "a decoded block's hash is not its header's")
    do {
        try block.verifyBody()
        expect(Int(block.header.transactionCount) == block.transactions.count, "verifyBody accepted a wrong transaction count")
    } catch {
        // A body that does not match its header is a rejection, not a crash.
    }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this target.
@_cdecl("fuzz_block_codec_main")
public func fuzzTargetMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzBlockCodec)
}
