import Contracts
import FuzzSupport
import LedgerCore
import LedgerPrimitives

/// Fuzzes the transaction codec: any bytes either fail with a `CodecError` or decode to a
/// transaction that re-encodes to the same bytes; checking a decoded signature never traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTransactionCodec(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    guard let transaction = checkCanonicalRoundTrip(Transaction.self, bytes) else { return 0 }
    // The key and signature came from the input: verifying must reject them, not trap.
    _ = transaction.hasValidSignature
    _ = checkCanonicalRoundTrip(ContractCall.self, transaction.call.canonicalBytes)
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this target.
@_cdecl("fuzz_transaction_codec_main")
public func fuzzTargetMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzTransactionCodec)
}
